// After a submission: what happens next, and when. The same words whatever exists for the
// address (a new request, one waiting for confirmation, one under way, a filled honeypot),
// so the page tells nobody whether an address has asked before.
import { VERIFICATION_EMAIL_INTERVAL_MS } from '../../../../app/send-verification.ts';
import { html, type Raw } from '../../html.ts';

export function sentBody(email: string | null, verificationMs: number): Raw {
  const hours = Math.round(verificationMs / 3_600_000);
  const minutes = Math.round(VERIFICATION_EMAIL_INTERVAL_MS / 60_000);
  const to = email ? html`<strong class="address">${email}</strong>` : html`the address you gave`;
  return html`<div class="narrow">
    <h1>Check your inbox</h1>
    <p class="notice">We have sent an email to ${to} with a link to confirm that the address is yours.
    The link works for ${hours} ${hours === 1 ? 'hour' : 'hours'}.</p>
    <p>Nothing happens until you confirm: your request goes to the approvers only then, and you hear
    from us by email when they have decided.</p>
    <h2>No email?</h2>
    <p>Look in your junk or spam folder. We send at most one email to an address every ${minutes} minutes;
    if the link has stopped working, <a href="/request">ask again</a>.</p>
  </div>`;
}
