// The requester's status page: one heading and one paragraph per stage saying where the
// request stands and what happens next (GOV.UK's "what happens next"), the request's facts,
// and, while it may still be withdrawn, the form that withdraws it.
import type { RequesterStage, RequestStatusView } from '../../../../app/read-request-status.ts';
import { csrfField, timeTag, userText } from '../../components.ts';
import { html, type Raw } from '../../html.ts';

interface StageText {
  heading: string;
  /** Shown as the badge beside the facts. */
  label: string;
  body: (view: RequestStatusView, appUrl: string) => Raw;
}

const org = (view: RequestStatusView) => view.organizationName ?? 'the organization';

const STAGES: Record<RequesterStage, StageText> = {
  verification: {
    heading: 'Confirm your email address',
    label: 'Waiting for email confirmation',
    body: () => html`<p>We sent you an email with a link to confirm that this address is yours. Your request
      goes to the approvers only once you confirm it. Look in your junk or spam folder too; the newest
      email has a working link.</p>`,
  },
  approval: {
    heading: 'Waiting for approval',
    label: 'Waiting for approval',
    body: (view) => html`<p>Your address is confirmed and your request is with the approvers at ${org(view)}.
      We will email you when they have decided.</p>`,
  },
  approved: {
    heading: 'Approved: your access is being set up',
    label: 'Approved',
    body: () => html`<p>Your request was approved. We are setting up your access now: look for an invitation
      email from us in the next few minutes (and in your junk or spam folder).</p>`,
  },
  invited: {
    heading: 'Look for your invitation',
    label: 'Invited',
    body: (view) => html`<p>Your access is ready. We emailed you an invitation: open it and accept it, signing
      in with this email address.</p>
      ${
        view.redeemUrl
          ? html`<p><a class="button" href="${view.redeemUrl}">Accept the invitation</a></p>
            <p class="hint">Microsoft may ask you to let ${org(view)} sign you in; then you land on ${view.appName}.</p>`
          : html``
      }`,
  },
  active: {
    heading: 'You have access',
    label: 'Active',
    body: (view, appUrl) => html`<p>Your invitation is accepted: you can use ${view.appName}, signing in with this
      email address.</p>
      <p><a class="button" href="${appUrl}">Open ${view.appName}</a></p>`,
  },
  rejected: {
    heading: 'Your request was not approved',
    label: 'Not approved',
    body: (view) =>
      view.sharedReason
        ? html`<p>The approver gave this reason:</p>
          <blockquote class="shared-reason">${userText(view.sharedReason)}</blockquote>
          <p>If you still need access, ask your contact at ${org(view)}.</p>`
        : html`<p>The approver did not share a reason. If you still need access, ask your contact at
          ${org(view)}.</p>`,
  },
  failed: {
    heading: 'We could not set up your access',
    label: 'Could not be set up',
    body: (view) => html`<p>Your request was approved, but something went wrong while setting up your access.
      ${org(view)} has been told and can try again; you do not need to do anything. We will email you.</p>`,
  },
  expired: {
    heading: 'This request has expired',
    label: 'Expired',
    body: () => html`<p>The address was not confirmed, or the invitation was not accepted, in time. If you
      still need access, <a href="/request">ask again</a>.</p>`,
  },
  withdrawn: {
    heading: 'This request was withdrawn',
    label: 'Withdrawn',
    body: () => html`<p>Nothing more happens with it. If you need access after all,
      <a href="/request">ask again</a>.</p>`,
  },
  revoked: {
    heading: 'Your access has ended',
    label: 'Access ended',
    body: (view) => html`<p>${org(view)} has ended the access this request gave. If you need it again, ask your
      contact there, or <a href="/request">ask again</a>.</p>`,
  },
};

export function statusBody(input: {
  view: RequestStatusView;
  token: string;
  csrfToken: string;
  appUrl: string;
  /** After a withdrawal (POST, then redirect here). */
  justWithdrew: boolean;
}): Raw {
  const { view } = input;
  const stage = STAGES[view.stage];
  return html`<div class="narrow">
    ${input.justWithdrew ? html`<p class="notice" role="status">You withdrew your request.</p>` : html``}
    <h1>${stage.heading}</h1>
    ${stage.body(view, input.appUrl)}
    <h2>Your request</h2>
    <dl class="facts">
      <dt>For</dt><dd>${view.appName}${view.organizationName ? html` at ${view.organizationName}` : html``}</dd>
      <dt>Name</dt><dd>${userText(`${view.firstName} ${view.lastName}`)}</dd>
      <dt>Email address</dt><dd class="address">${userText(view.email)}</dd>
      <dt>Status</dt><dd><span class="badge ${view.status}">${stage.label}</span></dd>
      <dt>Asked on</dt><dd>${timeTag(view.createdAt)}</dd>
      <dt>Last change</dt><dd>${timeTag(view.updatedAt)}</dd>
    </dl>
    ${view.canWithdraw ? withdrawForm(input.token, input.csrfToken) : html``}
  </div>`;
}

function withdrawForm(token: string, csrfToken: string): Raw {
  return html`<h2>Do not need it any more?</h2>
    <p>If you no longer need access, or did not ask for it yourself, withdraw the request. The approvers
    will not see it again. This cannot be undone, but you can ask again later.</p>
    <form method="post" action="/status/withdraw">
      ${csrfField(csrfToken)}
      <input type="hidden" name="token" value="${token}">
      <button type="submit" class="danger">Withdraw my request</button>
    </form>`;
}

/** A link that opens nothing: unknown, mistyped or older than its 90 days. */
export function invalidLinkBody(message: string): Raw {
  return html`<div class="narrow">
    <h1>This link does not work</h1>
    <p>${message}</p>
    <p>If you cannot find a newer email, <a href="/request">ask for access again</a>.</p>
  </div>`;
}

/** A withdrawal that came too late: the request was decided (or ended) first. */
export function withdrawRefusedBody(token: string): Raw {
  return html`<div class="narrow">
    <h1>This request can no longer be withdrawn</h1>
    <p>It has already been decided or has ended.
    <a href="/status?token=${encodeURIComponent(token)}">See where it stands now</a>.</p>
  </div>`;
}
