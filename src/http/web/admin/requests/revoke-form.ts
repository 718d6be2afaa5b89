// Revoking a request's access (admins), and what the revoke_access job has done since: the
// form says plainly what will happen before anyone presses the button, and the removal
// section reads the job's steps back from the audit trail (app/remove-access.ts writes one
// entry per group removed, and one for the guest account deleted or kept).
import { canTransition } from '../../../../domain/lifecycle.ts';
import type { AuditEntry } from '../../../../ports.ts';
import { checkbox, csrfField, field, timeTag } from '../../components.ts';
import { html, type Raw } from '../../html.ts';
import { actionLabel } from '../console.ts';
import type { RequestView } from './request-page.ts';

export const REMOVAL_ACTIONS: readonly string[] = [
  'access_removed',
  'guest_deleted',
  'guest_kept',
  'access_removal_failed',
];

export function revokeForm(view: RequestView): Raw {
  if (view.role !== 'admin' || !canTransition(view.request.status, 'revoke')) return html``;
  const errors = view.errors ?? {};
  return html`<section aria-labelledby="revoke">
    <h2 id="revoke">Revoke access</h2>
    <div class="warning" id="revoke-warning">
      <p><strong>This takes the person's access away, and cannot be undone.</strong></p>
      <ul>
        <li>The request becomes revoked at once, and any provisioning still under way stops.</li>
        <li>Guestlist then removes the person from each group this request added them to; the timeline below
        records each removal.</li>
        <li>To have access again, they must ask again.</li>
      </ul>
    </div>
    <form method="post" action="/admin/requests/${view.request.id}/revoke" class="stack" aria-describedby="revoke-warning">
      ${csrfField(view.csrfToken)}
      ${field({
        name: 'revokeReason',
        label: 'Reason for revoking',
        type: 'textarea',
        value: view.values?.revokeReason,
        error: errors.revokeReason,
        maxLength: 500,
        hint: 'At most 500 characters. Kept in the audit trail; the requester is not told it.',
      })}
      <div>
        ${checkbox({
          name: 'deleteGuest',
          label: "Also delete the guest account (only if Guestlist's invitation created it)",
          checked: view.values?.deleteGuest ?? false,
          error: errors.deleteGuest,
        })}
        <p class="hint">A member of your organization, or a guest who existed before this request, is never
        deleted. Entra keeps a deleted guest restorable for 30 days.</p>
      </div>
      <div><button type="submit" class="danger">Revoke access</button></div>
    </form>
  </section>`;
}

/** What the removal job has done, for a revoked or expired request (nothing before it ran). */
export function removalProgress(view: RequestView): Raw {
  const { status } = view.request;
  if (status !== 'revoked' && status !== 'expired') return html``;
  const steps = view.history.filter((entry) => REMOVAL_ACTIONS.includes(entry.action));
  const revoked = view.history.some((entry) => entry.action === 'revoke');
  const left = view.progress.grantedGroupIds;
  if (steps.length === 0 && !revoked) return html``;
  return html`<section aria-labelledby="removal">
    <h2 id="removal">Removing access</h2>
    ${
      steps.length === 0
        ? html`<p>Waiting for the worker to remove the access; this page shows each step once done.</p>`
        : html`<ol class="timeline">${steps.map(step)}</ol>`
    }
    <p>Groups still to remove: ${
      left.length ? html`${left.map((g, i) => html`${i ? ', ' : ''}<code>${g}</code>`)}` : 'none'
    }.</p>
  </section>`;
}

function step(entry: AuditEntry): Raw {
  return html`<li class="removal ${entry.action}"><span class="when">${timeTag(entry.at)}</span> —
    <strong>${actionLabel(entry.action)}</strong>${entry.reason ? html`: ${entry.reason}` : html``}</li>`;
}
