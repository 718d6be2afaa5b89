// The audit trail's markup: the filter form (GET), the entries, the pager and the CSV link.
import type { AuditTrailEntry } from '../../../../ports.ts';
import { errorSummary, field, statusLabel, timeTag, userText } from '../../components.ts';
import { html, type Raw } from '../../html.ts';
import { actorLabel } from '../console.ts';
import { ACTIONS, type AuditFilters } from './filters.ts';

export interface AuditView {
  filters: AuditFilters;
  errors: Record<string, string>;
  items: AuditTrailEntry[];
  olderHref: string | null;
  newestHref: string | null;
  csvHref: string;
}

function filterForm(view: AuditView): Raw {
  const { filters, errors } = view;
  return html`<form method="get" action="/admin/audit" class="filters" aria-label="Filter the audit trail">
    ${field({ name: 'actor', label: 'Actor contains', value: filters.actor, maxLength: 200 })}
    <div class="field">
      <label for="field-action">Action</label>
      ${errors.action ? html`<p class="error" id="field-action-error">${errors.action}</p>` : html``}
      <select id="field-action" name="action"${errors.action ? html` aria-describedby="field-action-error" aria-invalid="true"` : html``}>
        <option value="">Any action</option>
        ${ACTIONS.map((a) => html`<option value="${a}"${a === filters.action ? html` selected` : html``}>${a}</option>`)}
      </select>
    </div>
    ${field({ name: 'from', label: 'From', type: 'date', value: filters.from, error: errors.from })}
    ${field({ name: 'to', label: 'To', type: 'date', value: filters.to, error: errors.to })}
    <div><button type="submit">Show entries</button></div>
  </form>`;
}

function entry(e: AuditTrailEntry): Raw {
  const move =
    e.fromStatus || e.toStatus
      ? `${e.fromStatus ? statusLabel(e.fromStatus) : '—'} → ${e.toStatus ? statusLabel(e.toStatus) : '—'}`
      : '';
  return html`<tr>
    <td>${timeTag(e.at)}</td>
    <td>${userText(actorLabel(e.actor))}</td>
    <td>${e.action}</td>
    <td><a href="/admin/requests/${e.requestId}">${userText(e.email)}</a></td>
    <td class="optional">${move}</td>
    <td>${e.reason ? userText(e.reason) : ''}</td>
  </tr>`;
}

export function auditBody(view: AuditView): Raw {
  const labels = { actor: 'Actor contains', action: 'Action', from: 'From', to: 'To' };
  return html`<h1>Audit trail</h1>
    ${errorSummary(view.errors, labels)}
    ${filterForm(view)}
    <p><a href="${view.csvHref}" download>Download these entries as CSV</a></p>
    ${
      view.items.length === 0
        ? html`<p>No entry matches.</p>`
        : html`<div class="table-wrap"><table class="queue">
            <caption class="visually-hidden">Audit entries, newest first</caption>
            <thead><tr>
              <th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th>
              <th scope="col">Request</th><th scope="col" class="optional">Status</th><th scope="col">Reason</th>
            </tr></thead>
            <tbody>${view.items.map(entry)}</tbody>
          </table></div>`
    }
    <nav class="pager" aria-label="Pages">
      ${view.newestHref ? html`<a href="${view.newestHref}">Newest entries</a>` : html``}
      ${view.olderHref ? html`<a href="${view.olderHref}">Older entries</a>` : html``}
    </nav>`;
}
