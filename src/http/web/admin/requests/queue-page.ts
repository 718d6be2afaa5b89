// The queue's markup: the filter form (GET, so no CSRF), the counts per state, the table
// of requests with a checkbox per pending one, and the bulk decision under it.
import type { StageView } from '../../../../app/stage-authority.ts';
import { type AccessRequest, STATUSES, type Status } from '../../../../domain/lifecycle.ts';
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
import type { Counts } from '../console.ts';
import type { FieldErrors } from './forms.ts';

/** `waiting`: what waits for the caller; `all`: every state; or one state. */
export type QueueFilter = Status | 'waiting' | 'all';

export interface QueueView {
  /** Pending requests' stages as the viewer sees them, by request id. */
  stages?: ReadonlyMap<string, StageView>;
  filter: QueueFilter;
  search: string;
  /** The app filter (a slug), or '' for every app. */
  app: string;
  /** Every app, for the filter and the App column. */
  apps: readonly { id: string; slug: string; name: string }[];
  items: AccessRequest[];
  /** The next (older) page's link, or null on the last page. */
  olderHref: string | null;
  /** The first page's link when this is a later page. */
  newestHref: string | null;
  counts: Counts;
  waiting: number;
  now: Date;
  csrfToken: string;
  /** A bulk decision sent back for correction. */
  errors?: FieldErrors;
  selected?: readonly string[];
  reason?: string;
  share?: boolean;
}

export function queueHref(filter: QueueFilter, search: string, after?: string, app = ''): string {
  const query = new URLSearchParams();
  if (filter !== 'waiting') query.set('status', filter);
  if (search) query.set('search', search);
  if (app) query.set('app', app);
  if (after) query.set('after', after);
  const text = query.toString();
  return text ? `/admin?${text}` : '/admin';
}

function age(from: Date, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

function filterForm(view: QueueView): Raw {
  const total = Object.values(view.counts).reduce((sum, n) => sum + (n ?? 0), 0);
  const options: Array<[QueueFilter, string]> = [
    ['waiting', `Waiting for you (${view.waiting})`],
    ['all', `All (${total})`],
    ...STATUSES.map((status): [QueueFilter, string] => [
      status,
      `${statusLabel(status)} (${view.counts[status] ?? 0})`,
    ]),
  ];
  return html`<form method="get" action="/admin" class="filters" role="search" aria-label="Filter requests">
    <div class="field">
      <label for="field-status">Status</label>
      <select id="field-status" name="status">${options.map(
        ([value, label]) =>
          html`<option value="${value}"${value === view.filter ? html` selected` : html``}>${label}</option>`,
      )}</select>
    </div>
    ${
      view.apps.length > 1
        ? html`<div class="field">
      <label for="field-app">App</label>
      <select id="field-app" name="app">
        <option value="">All apps</option>
        ${view.apps.map(
          (app) =>
            html`<option value="${app.slug}"${app.slug === view.app ? html` selected` : html``}>${app.name}</option>`,
        )}
      </select>
    </div>`
        : html``
    }
    ${field({
      name: 'search',
      label: 'Search',
      type: 'search',
      value: view.search,
      hint: 'The start of an email address, a domain, or a name.',
      maxLength: 200,
    })}
    <div><button type="submit">Show requests</button></div>
  </form>`;
}

function counts(view: QueueView): Raw {
  const present = STATUSES.filter((status) => view.counts[status]);
  if (present.length === 0) return html``;
  return html`<h2 class="visually-hidden">Requests per status</h2>
    <ul class="counts">${present.map(
      (status) => html`<li><a href="${queueHref(status, '')}">${statusLabel(status)}</a>: ${view.counts[status]}</li>`,
    )}</ul>`;
}

/** The start of the requester's "why", on one line: enough to tell requests apart in the queue. */
export function excerpt(text: string | null, max = 90): string | null {
  const line = text?.replace(/\s+/g, ' ').trim();
  if (!line) return null;
  const chars = [...line];
  return chars.length <= max
    ? line
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

function row(request: AccessRequest, view: QueueView): Raw {
  const why = excerpt(request.justification);
  const name = `${request.firstName} ${request.lastName}`;
  const stage = view.stages?.get(request.id);
  const pending = request.status === 'pending_approval' && (stage?.mayDecide ?? true);
  return html`<tr>
    <td class="select">${
      pending
        ? html`<input type="checkbox" name="ids" value="${request.id}" id="select-${request.id}"${
            view.selected?.includes(request.id) ? html` checked` : html``
          } aria-label="Select ${name}">${
            stage
              ? html`<input type="hidden" name="seen" value="${request.id}:${stage.at.stage === null ? 'none' : String(stage.at.stage)}:${String(stage.at.round)}">`
              : html``
          }`
        : html``
    }</td>
    <td><a href="/admin/requests/${request.id}">${userText(name)}</a>${
      why ? html`<br><span class="excerpt">${userText(why)}</span>` : html``
    }</td>
    <td class="optional">${userText(request.email)}</td>
    <td class="optional">${view.apps.find((app) => app.id === request.appId)?.name ?? request.appId}</td>
    <td>${statusBadge(request.status)}${
      stage
        ? html`<br><span class="hint">Stage ${stage.index + 1} of ${stage.stages.length}: ${userText(stage.stage.name)}</span>${
            stage.mayDecide ? html`<br><strong class="waiting-for-you">Waiting for you</strong>` : html``
          }`
        : html``
    }</td>
    <td class="optional">${timeTag(request.createdAt)}</td>
    <td>${age(request.createdAt, view.now)}</td>
  </tr>`;
}

function bulkDecision(view: QueueView): Raw {
  const errors = view.errors ?? {};
  return html`<fieldset class="decide">
    <legend>Decide the selected requests</legend>
    ${errors.ids ? html`<p class="error" id="field-ids">${errors.ids}</p>` : html``}
    <div><button type="submit" name="action" value="approve">Approve selected</button></div>
    ${field({
      name: 'reason',
      label: 'Reason for rejecting',
      type: 'textarea',
      value: view.reason,
      error: errors.reason,
      hint: 'Needed to reject. Kept in the audit trail.',
      maxLength: 2000,
      optionalMark: false,
    })}
    ${checkbox({ name: 'share', label: 'Share this reason with the requesters', checked: view.share ?? false, error: errors.share })}
    <div><button type="submit" name="action" value="reject" class="danger">Reject selected</button></div>
  </fieldset>`;
}

export function queueBody(view: QueueView): Raw {
  const anyPending = view.items.some(
    (request) => request.status === 'pending_approval' && (view.stages?.get(request.id)?.mayDecide ?? true),
  );
  const labels = { ids: 'Requests', reason: 'Reason for rejecting', share: 'Share', action: 'Decision' };
  const table = html`<div class="table-wrap"><table class="queue">
      <caption class="visually-hidden">Access requests, newest first</caption>
      <thead><tr>
        <th scope="col"><span class="visually-hidden">Select</span></th>
        <th scope="col">Name</th>
        <th scope="col" class="optional">Email</th>
        <th scope="col" class="optional">App</th>
        <th scope="col">Status</th>
        <th scope="col" class="optional">Submitted</th>
        <th scope="col">Age</th>
      </tr></thead>
      <tbody>${view.items.map((request) => row(request, view))}</tbody>
    </table></div>`;
  return html`<h1>Access requests</h1>
    ${errorSummary(view.errors ?? {}, labels)}
    ${filterForm(view)}
    ${counts(view)}
    ${
      view.items.length === 0
        ? html`<p>No request matches.${
            view.filter !== 'all'
              ? html` <a href="${queueHref('all', view.search)}">Show requests in every status</a>.`
              : html``
          }</p>`
        : anyPending
          ? html`<form method="post" action="/admin/requests/bulk">${csrfField(view.csrfToken)}${table}${bulkDecision(view)}</form>`
          : table
    }
    <nav class="pager" aria-label="Pages">
      ${view.newestHref ? html`<a href="${view.newestHref}">Newest requests</a>` : html``}
      ${view.olderHref ? html`<a href="${view.olderHref}">Older requests</a>` : html``}
    </nav>`;
}
