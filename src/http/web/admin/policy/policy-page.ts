// The dry run's markup: the form (GET), the decision, and each rule's verdict in order.
import type { PolicyCheck } from '../../../../app/check-policy.ts';
import type { Verdict } from '../../../../domain/policy/index.ts';
import { errorSummary, field, userText } from '../../components.ts';
import { html, type Raw } from '../../html.ts';

export interface PolicyCheckView {
  values: { email: string; justification: string; app: string };
  errors: Record<string, string>;
  result: PolicyCheck | null;
  /** The apps whose policy may be tried (none: the one default policy). */
  apps: { id: string; name: string }[];
}

const LABELS = { app: 'App', email: 'Email address', justification: 'Reason for access' };

function appSelect(view: PolicyCheckView): Raw {
  if (view.apps.length === 0) return html``;
  const error = view.errors.app;
  return html`<div class="field">
    <label for="field-app">${LABELS.app}</label>
    ${error ? html`<p class="error" id="field-app-error">${error}</p>` : html``}
    <select id="field-app" name="app"${error ? html` aria-describedby="field-app-error" aria-invalid="true"` : html``}>
      ${view.apps.map(
        (app) =>
          html`<option value="${app.id}"${app.id === view.values.app ? html` selected` : html``}>${app.name}</option>`,
      )}
    </select>
  </div>`;
}

function verdictText(verdict: Verdict): { label: string; detail: string } {
  switch (verdict.verdict) {
    case 'approve':
      return { label: 'Approve', detail: verdict.why };
    case 'reject':
      return { label: 'Reject', detail: verdict.reason };
    case 'ask':
      return { label: `Ask stage ${verdict.stage + 1}`, detail: verdict.why };
    case 'continue':
      return { label: 'No opinion', detail: verdict.why };
  }
}

function decisionText(result: PolicyCheck): string {
  const { decision } = result;
  switch (decision.outcome) {
    case 'approve':
      return `Approved automatically by the rule ${decision.rule}: ${decision.why}`;
    case 'reject':
      return `Rejected automatically by the rule ${decision.rule}: ${decision.reason} ${
        result.shareReason ? '(the requester reads this reason)' : '(the requester is not told the reason)'
      }`;
    case 'ask': {
      const stage = result.policy.stages[decision.stage];
      return `Sent to stage ${decision.stage + 1}${stage ? ` (${stage.name})` : ''} by the rule ${decision.rule}: ${decision.why}`;
    }
  }
}

function resultSection(result: PolicyCheck): Raw {
  return html`<section aria-labelledby="decision-heading">
    <h2 id="decision-heading">What the policy would do for ${userText(result.email)}</h2>
    <p class="decision">${userText(decisionText(result))}</p>
    ${result.note ? html`<p class="notice">${userText(result.note)}</p>` : html``}
    <h3 id="rules-heading">Each rule, in the order the policy runs them</h3>
    <ol class="policy-trace" aria-labelledby="rules-heading">${result.trace.map(({ rule, verdict }, index) => {
      const { label, detail } = verdictText(verdict);
      const state = index === result.decidedBy ? ' (decides)' : index > result.decidedBy ? ' (not reached)' : '';
      return html`<li${index === result.decidedBy ? html` aria-current="true"` : html``}>
        <code>${rule}</code>: <strong>${label}${state}</strong>. ${userText(detail)}
      </li>`;
    })}</ol>
  </section>`;
}

export function policyCheckBody(view: PolicyCheckView): Raw {
  return html`<h1>Check the approval policy</h1>
    <p>Type an address to see which rule would decide a request from it, and why. Nothing is stored or sent.</p>
    ${errorSummary(view.errors, LABELS)}
    <form method="get" action="/admin/policy-check" aria-label="Check an address against the policy">
      ${appSelect(view)}
      ${field({ name: 'email', label: LABELS.email, type: 'email', value: view.values.email, error: view.errors.email, required: true, maxLength: 320 })}
      ${field({ name: 'justification', label: LABELS.justification, type: 'textarea', value: view.values.justification, error: view.errors.justification, maxLength: 1000 })}
      <div><button type="submit">Check</button></div>
    </form>
    ${view.result ? resultSection(view.result) : html``}`;
}
