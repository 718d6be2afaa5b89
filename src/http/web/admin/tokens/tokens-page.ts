// The API tokens page's markup: the tokens (never a secret: the store holds none to show),
// the form that creates one, the admin audit of creations and revocations, and the page
// that shows a new token's secret — the only time anyone sees it.
import type { ListedApiToken } from '../../../../app/list-api-tokens.ts';
import { DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS } from '../../../../domain/api-token.ts';
import { ROLES } from '../../../../domain/roles.ts';
import type { AdminAuditEntry, ApiToken } from '../../../../ports.ts';
import { csrfField, errorSummary, field, timeTag, userText } from '../../components.ts';
import { html, type Raw } from '../../html.ts';
import { actorLabel } from '../console.ts';

export interface TokenFormValues {
  name: string;
  role: string;
  expiresInDays: string;
}

export interface TokensView {
  tokens: ListedApiToken[];
  audit: AdminAuditEntry[];
  csrfToken: string;
  flash?: string | undefined;
  errors?: Record<string, string>;
  values?: TokenFormValues;
}

const ROLE_LABELS: Record<string, string> = {
  approver: 'Approver: lists requests, approves and rejects them',
  admin: 'Admin: everything, including verified submissions, retry and revoke',
};
const LABELS = { name: 'Name', role: 'Role', expiresInDays: 'Expires in (days)' };
const AUDIT_ACTIONS: Record<string, string> = {
  'token.create': 'Created',
  'token.revoke': 'Revoked',
  // The admin audit holds webhook changes too (admin/webhooks/).
  'webhook.create': 'Webhook added',
  'webhook.delete': 'Webhook deleted',
};

function row(token: ListedApiToken, csrfToken: string): Raw {
  return html`<tr>
    <td><bdi class="token-name">${token.name}</bdi></td>
    <td>${token.role}</td>
    <td class="optional">${timeTag(token.createdAt)}</td>
    <td class="optional">${userText(actorLabel(token.createdBy))}</td>
    <td>${timeTag(token.expiresAt)}</td>
    <td class="optional">${token.lastUsedAt ? timeTag(token.lastUsedAt) : 'never'}</td>
    <td><span class="badge token-${token.state}">${token.state}</span></td>
    <td>${
      token.state === 'active'
        ? html`<form method="post" action="/admin/tokens/${token.id}/revoke">
            ${csrfField(csrfToken)}
            <button type="submit" class="danger" aria-label="Revoke the token ${token.name}">Revoke</button>
          </form>`
        : html``
    }</td>
  </tr>`;
}

function createForm(view: TokensView): Raw {
  const errors = view.errors ?? {};
  const values = view.values ?? { name: '', role: 'approver', expiresInDays: String(DEFAULT_TOKEN_DAYS) };
  const roleError = errors.role;
  return html`<section aria-labelledby="create">
    <h2 id="create">Create a token</h2>
    <form method="post" action="/admin/tokens" class="stack">
      ${csrfField(view.csrfToken)}
      ${field({ name: 'name', label: LABELS.name, value: values.name, error: errors.name, required: true, maxLength: 64, hint: 'What uses it, such as hr-onboarding: 1 to 64 letters, digits, . _ - or @. The audit trail names its calls token:<name>.' })}
      <div class="field">
        <label for="field-role">${LABELS.role}</label>
        ${roleError ? html`<p class="error" id="field-role-error">${roleError}</p>` : html``}
        <select id="field-role" name="role"${roleError ? html` aria-describedby="field-role-error" aria-invalid="true"` : html``}>
          ${ROLES.map((role) => html`<option value="${role}"${role === values.role ? html` selected` : html``}>${ROLE_LABELS[role]}</option>`)}
        </select>
      </div>
      ${field({ name: 'expiresInDays', label: LABELS.expiresInDays, value: values.expiresInDays, error: errors.expiresInDays, required: true, maxLength: 3, hint: `A whole number from 1 to ${MAX_TOKEN_DAYS}. Every token expires; make a new one before it does.` })}
      <div><button type="submit">Create token</button></div>
    </form>
  </section>`;
}

function auditTable(audit: AdminAuditEntry[]): Raw {
  return html`<section aria-labelledby="token-history">
    <h2 id="token-history">Token history</h2>
    ${
      audit.length === 0
        ? html`<p>No token has been created or revoked yet.</p>`
        : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Token history entries"><table class="queue history">
            <caption class="visually-hidden">Tokens created and revoked, newest first</caption>
            <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Token</th></tr></thead>
            <tbody>${audit.map(
              (entry) => html`<tr>
                <td>${timeTag(entry.at)}</td>
                <td>${userText(actorLabel(entry.actor))}</td>
                <td>${AUDIT_ACTIONS[entry.action] ?? entry.action}</td>
                <td>${entry.detail ? userText(entry.detail) : html`<code>${entry.subject}</code>`}</td>
              </tr>`,
            )}</tbody>
          </table></div>`
    }
  </section>`;
}

export function tokensBody(view: TokensView): Raw {
  return html`<h1>API tokens</h1>
    ${view.flash ? html`<p class="flash" role="status">${view.flash}</p>` : html``}
    ${errorSummary(view.errors ?? {}, LABELS)}
    <p>Integrations call the API (<code>/api/v1</code>) with a token as <code>Authorization: Bearer …</code>.
    Guestlist keeps only a hash of each token, so a token is shown once, when it is created.</p>
    ${
      view.tokens.length === 0
        ? html`<p>There are no tokens yet.</p>`
        : html`<div class="table-wrap" tabindex="0" role="region" aria-label="API tokens"><table class="queue">
            <caption class="visually-hidden">API tokens, oldest first</caption>
            <thead><tr>
              <th scope="col">Name</th><th scope="col">Role</th><th scope="col" class="optional">Created</th>
              <th scope="col" class="optional">Created by</th><th scope="col">Expires</th>
              <th scope="col" class="optional">Last used</th><th scope="col">State</th>
              <th scope="col"><span class="visually-hidden">Action</span></th>
            </tr></thead>
            <tbody>${view.tokens.map((token) => row(token, view.csrfToken))}</tbody>
          </table></div>`
    }
    ${createForm(view)}
    ${auditTable(view.audit)}`;
}

/** The answer to the creation: the secret, once, with what to do with it now. */
export function createdBody(record: ApiToken, secret: string): Raw {
  return html`<h1>Token created</h1>
    <div class="warning" role="note">
      <p><strong>Copy this token now: it is shown only this once.</strong> Guestlist keeps only its hash, so
      nobody can show it again. If it is lost, revoke it and create another.</p>
    </div>
    <div class="field">
      <label for="new-token">The token <bdi>${record.name}</bdi> (${record.role}, expires ${timeTag(record.expiresAt)})</label>
      <p class="hint" id="new-token-hint">Select it all (click it, then Ctrl+A or ⌘A), copy it, and paste it
      straight into your integration's secret store. Do not send it by email or chat.</p>
      <input id="new-token" class="secret" type="text" readonly value="${secret}" aria-describedby="new-token-hint"
        autocomplete="off" spellcheck="false">
    </div>
    <p>The integration sends it as <code>Authorization: Bearer &lt;token&gt;</code>.</p>
    <p><a href="/admin/tokens">Back to the API tokens</a> (the token will not be shown there).</p>`;
}
