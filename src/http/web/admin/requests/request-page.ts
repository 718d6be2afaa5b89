// A request's page: its facts, why it failed (Graph's code and request-id), what
// provisioning has done, the actions the request's state and the caller's role allow,
// and its timeline from the audit trail.

import type { StageView } from '../../../../app/stage-authority.ts';
import type { App } from '../../../../domain/apps.ts';
import type { AccessRequest } from '../../../../domain/lifecycle.ts';
import type { Role } from '../../../../domain/roles.ts';
import type { AuditEntry, ProvisioningProgress } from '../../../../ports.ts';
import {
  checkbox,
  csrfField,
  errorSummary,
  field,
  statusBadge,
  statusLabel,
  timeTag,
  userText,
} from '../../components.ts';
import { html, type Raw } from '../../html.ts';
import { actionLabel, actorLabel } from '../console.ts';
import type { FieldErrors } from './forms.ts';
import { removalProgress, revokeForm } from './revoke-form.ts';
import { stageSection } from './stage-section.ts';

export interface RequestView {
  request: AccessRequest;
  /** The request's app (null: an app id the catalogue no longer has). */
  app: App | null;
  history: AuditEntry[];
  progress: ProvisioningProgress;
  role: Role | null;
  /** A pending request's stage as the viewer sees it; null otherwise. */
  stage?: StageView | null;
  csrfToken: string;
  /** The one-line result of the last action (after its redirect). */
  flash?: string | undefined;
  /** An action that changed nothing: lost a race, or not allowed in this state. */
  conflict?: string | undefined;
  errors?: FieldErrors;
  values?: {
    comment?: string | undefined;
    reason?: string | undefined;
    share?: boolean;
    revokeReason?: string | undefined;
    deleteGuest?: boolean;
  };
}

/** Graph's error code and request-id from a failure reason (DirectoryError.describe()). */
export function graphFailure(reason: string | null): { code: string | null; requestId: string | null } {
  if (!reason) return { code: null, requestId: null };
  return {
    code: /^([A-Za-z][\w.]*): /.exec(reason)?.[1] ?? null,
    requestId: /request-id ([\w-]+)/.exec(reason)?.[1] ?? null,
  };
}

function facts(view: RequestView): Raw {
  const r = view.request;
  return html`<dl class="facts">
    <dt>Email</dt><dd>${userText(r.email)}</dd>
    <dt>First name</dt><dd>${userText(r.firstName)}</dd>
    <dt>Last name</dt><dd>${userText(r.lastName)}</dd>
    <dt>App</dt><dd>${view.app ? html`${view.app.name} <span class="hint">(${view.app.slug})</span>` : html`<code>${r.appId}</code>`}</dd>
    ${answers(view)}
    <dt>Why they need access</dt><dd>${
      r.justification
        ? html`<p class="justification">${userText(r.justification)}</p>`
        : html`<span class="hint">Not given</span>`
    }</dd>
    <dt>Status</dt><dd>${statusBadge(r.status)}</dd>
    <dt>Submitted</dt><dd>${timeTag(r.createdAt)}</dd>
    <dt>Last change</dt><dd>${timeTag(r.updatedAt)}</dd>
    ${r.accessExpiresAt ? html`<dt>Access ends</dt><dd>${timeTag(r.accessExpiresAt)}</dd>` : html``}
    ${r.directoryUserId ? html`<dt>Directory user id</dt><dd><code>${r.directoryUserId}</code></dd>` : html``}
    ${r.status === 'invited' && r.redeemUrl ? html`<dt>Redeem URL</dt><dd><code>${r.redeemUrl}</code></dd>` : html``}
    ${r.reason && r.status !== 'failed' ? html`<dt>Reason</dt><dd>${r.reason}</dd>` : html``}
  </dl>`;
}

/** The answers to the app's questions, under each question's label (in the app's order). */
function answers(view: RequestView): Raw {
  const given = view.request.answers;
  const questions = view.app?.questions ?? [];
  // Answers to questions the app no longer asks are still shown, under their id.
  const known = new Set(questions.map((question) => question.id));
  const rows = [
    ...questions.map((question) => ({ label: question.label, answer: given[question.id] })),
    ...Object.keys(given)
      .filter((id) => !known.has(id))
      .map((id) => ({ label: id, answer: given[id] })),
  ];
  return html`${rows.map(
    (row) =>
      html`<dt>${row.label}</dt><dd>${
        row.answer ? html`<p class="answer">${userText(row.answer)}</p>` : html`<span class="hint">Not answered</span>`
      }</dd>`,
  )}`;
}

function failure(view: RequestView): Raw {
  if (view.request.status !== 'failed') return html``;
  const { code, requestId } = graphFailure(view.request.reason);
  return html`<section aria-labelledby="failure">
    <h2 id="failure">Why it failed</h2>
    <p>${view.request.reason ?? 'No reason was recorded.'}</p>
    <dl class="facts">
      <dt>Graph error code</dt><dd>${code ? html`<code>${code}</code>` : 'none (not a Graph error)'}</dd>
      <dt>Graph request-id</dt><dd>${requestId ? html`<code>${requestId}</code>` : 'none given'}</dd>
    </dl>
    <p class="hint">Quote the request-id to Microsoft support. Fix the cause, then retry.</p>
  </section>`;
}

function provisioning(view: RequestView): Raw {
  const p = view.progress;
  const started =
    p.grantedGroupIds.length > 0 || p.invitationEmailsSent > 0 || p.mailError || view.request.directoryUserId;
  if (!started) return html``;
  return html`<section aria-labelledby="provisioning">
    <h2 id="provisioning">Provisioning</h2>
    <dl class="facts">
      <dt>Groups granted</dt><dd>${
        p.grantedGroupIds.length
          ? html`${p.grantedGroupIds.map((g, i) => html`${i ? ', ' : ''}<code>${g}</code>`)}`
          : view.request.status === 'revoked' || view.request.status === 'expired'
            ? 'none'
            : 'none yet'
      }</dd>
      <dt>Invitation emails sent</dt><dd>${p.invitationEmailsSent}</dd>
      ${p.mailError ? html`<dt>Last email error</dt><dd>${p.mailError}</dd>` : html``}
    </dl>
  </section>`;
}

/** The stage the page shows, sent back with a decision (forms.ts seenStage). */
function seenFields(stage: StageView | null | undefined): Raw {
  if (!stage) return html``;
  return html`<input type="hidden" name="stage" value="${stage.at.stage === null ? 'none' : String(stage.at.stage)}"><input type="hidden" name="round" value="${String(stage.at.round)}">`;
}

function decideForms(view: RequestView): Raw {
  const errors = view.errors ?? {};
  const id = view.request.id;
  return html`<section aria-labelledby="decide">
    <h2 id="decide">Decide</h2>
    <div class="actions">
      <form method="post" action="/admin/requests/${id}/approve" class="stack">
        ${csrfField(view.csrfToken)}${seenFields(view.stage)}
        ${field({ name: 'comment', label: 'Comment', type: 'textarea', value: view.values?.comment, error: errors.comment, maxLength: 2000, hint: 'Kept in the audit trail.' })}
        <div><button type="submit">Approve</button></div>
      </form>
      <form method="post" action="/admin/requests/${id}/reject" class="stack">
        ${csrfField(view.csrfToken)}${seenFields(view.stage)}
        ${field({ name: 'reason', label: 'Reason for rejecting', type: 'textarea', value: view.values?.reason, error: errors.reason, maxLength: 2000, required: true })}
        ${checkbox({ name: 'share', label: 'Share this reason with the requester', checked: view.values?.share ?? false, error: errors.share })}
        <div><button type="submit" class="danger">Reject</button></div>
      </form>
    </div>
  </section>`;
}

function confirmMatchForm(view: RequestView): Raw {
  const candidates = view.progress.matchCandidates ?? [];
  const error = view.errors?.choice;
  return html`<section aria-labelledby="match">
    <h2 id="match">Who is this request for?</h2>
    <p>The directory lookup was not conclusive. Choose the user the request is for only when you know
    they are the person; or invite the address as a new guest.</p>
    <form method="post" action="/admin/requests/${view.request.id}/confirm-match" class="stack">
      ${csrfField(view.csrfToken)}
      <fieldset id="field-choice"${error ? html` aria-describedby="field-choice-error"` : html``}>
        <legend>Directory match</legend>
        ${error ? html`<p class="error" id="field-choice-error">${error}</p>` : html``}
        ${candidates.map(
          ({ user, matchedBy }) => html`<div class="field checkbox">
            <input type="radio" name="choice" value="${user.id}" id="choice-${user.id}">
            <label for="choice-${user.id}">${userText(user.displayName ?? user.id)} (${user.userType}${
              user.mail ? html`, ${userText(user.mail)}` : html``
            }${user.accountEnabled === false ? ', disabled' : ''}) — matched by ${matchedBy.join(', ')}; id <code>${user.id}</code></label>
          </div>`,
        )}
        <div class="field checkbox">
          <input type="radio" name="choice" value="new" id="choice-new">
          <label for="choice-new">None of them: invite the address as a new guest</label>
        </div>
      </fieldset>
      <div><button type="submit">Confirm</button></div>
    </form>
  </section>`;
}

function adminActions(view: RequestView): Raw {
  if (view.role !== 'admin') return html``;
  const { status, id } = view.request;
  const button = (action: string, label: string, hint: string) => html`<section aria-labelledby="${action}">
      <h2 id="${action}">${label}</h2>
      <p>${hint}</p>
      <form method="post" action="/admin/requests/${id}/${action}">
        ${csrfField(view.csrfToken)}
        <button type="submit">${label}</button>
      </form>
    </section>`;
  if (status === 'failed') return button('retry', 'Retry', 'Send the request back to provisioning.');
  if (status === 'invited') {
    return button(
      'resend-invitation',
      'Resend invitation',
      'Graph makes a new redeem link, and the person gets one new email.',
    );
  }
  if (status === 'needs_confirmation') return confirmMatchForm(view);
  return html``;
}

function timeline(history: AuditEntry[]): Raw {
  return html`<section aria-labelledby="timeline">
    <h2 id="timeline">Timeline</h2>
    <ol class="timeline">${history.map(
      (entry) => html`<li>
        <span class="when">${timeTag(entry.at)}</span> — <strong>${actorLabel(entry.actor)}</strong>: ${actionLabel(entry.action)}${
          entry.toStatus && entry.toStatus !== entry.fromStatus ? html` → ${statusLabel(entry.toStatus)}` : html``
        }${entry.reason ? html`<br>${entry.reason}` : html``}
      </li>`,
    )}</ol>
  </section>`;
}

export function requestBody(view: RequestView): Raw {
  const r = view.request;
  const labels = {
    comment: 'Comment',
    reason: 'Reason for rejecting',
    share: 'Share',
    choice: 'Directory match',
    revokeReason: 'Reason for revoking',
    deleteGuest: 'Also delete the guest account',
  };
  return html`<p><a href="/admin">Back to the requests</a></p>
    <h1>${userText(`${r.firstName} ${r.lastName}`)}</h1>
    ${view.flash ? html`<p class="flash" role="status">${view.flash}</p>` : html``}
    ${view.conflict ? html`<p class="conflict" role="alert">${view.conflict}</p>` : html``}
    ${errorSummary(view.errors ?? {}, labels)}
    ${facts(view)}
    ${failure(view)}
    ${stageSection(view.stage)}
    ${r.status === 'pending_approval' && (view.stage?.mayDecide ?? true) ? decideForms(view) : html``}
    ${adminActions(view)}
    ${revokeForm(view)}
    ${removalProgress(view)}
    ${provisioning(view)}
    ${timeline(view.history)}`;
}
