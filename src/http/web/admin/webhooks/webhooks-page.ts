// The webhooks pages' markup: the registered webhooks and the form that adds one, the page
// that shows a new webhook's signing secret (the only time anyone sees it), and one
// webhook's delivery log. URLs are shown without their query string (app/webhooks.ts).
import { shownUrl } from '../../../../app/webhooks.ts';
import { WEBHOOK_EVENT_LABELS, WEBHOOK_EVENT_TYPES } from '../../../../domain/webhook-events.ts';
import type { AdminAuditEntry, Webhook, WebhookDelivery } from '../../../../ports.ts';
import { csrfField, errorSummary, field, timeTag, userText } from '../../components.ts';
import { html, type Raw } from '../../html.ts';
import { actorLabel } from '../console.ts';

export interface WebhookFormValues {
  url: string;
  description: string;
  events: string[];
}

export interface WebhooksView {
  webhooks: Webhook[];
  /** The admin audit's webhook entries, newest first. */
  history: AdminAuditEntry[];
  csrfToken: string;
  /** Plain http://localhost is accepted (sandbox mode). */
  allowLocalHttp: boolean;
  flash?: string | undefined;
  errors?: Record<string, string>;
  values?: WebhookFormValues;
}

const LABELS = { url: 'Endpoint URL', description: 'Description', events: 'Events to send' };

function deleteForm(webhook: Webhook, csrfToken: string): Raw {
  return html`<form method="post" action="/admin/webhooks/${webhook.id}/delete">
    ${csrfField(csrfToken)}
    <button type="submit" class="danger" aria-label="Delete the webhook to ${shownUrl(webhook.url)}">Delete</button>
  </form>`;
}

function row(webhook: Webhook, csrfToken: string): Raw {
  return html`<tr>
    <td><a href="/admin/webhooks/${webhook.id}"><bdi class="token-name">${shownUrl(webhook.url)}</bdi></a>${
      webhook.description ? html`<br><span class="hint">${userText(webhook.description)}</span>` : html``
    }</td>
    <td>${webhook.events.map((event, i) => html`${i > 0 ? html`, ` : html``}<code>${event}</code>`)}</td>
    <td class="optional">${timeTag(webhook.createdAt)}</td>
    <td class="optional">${userText(actorLabel(webhook.createdBy))}</td>
    <td>${deleteForm(webhook, csrfToken)}</td>
  </tr>`;
}

function eventsFieldset(values: WebhookFormValues, error: string | undefined): Raw {
  return html`<fieldset class="events" id="field-events"${error ? html` aria-describedby="field-events-error"` : html``}>
    <legend>${LABELS.events}</legend>
    ${error ? html`<p class="error" id="field-events-error">${error}</p>` : html``}
    ${WEBHOOK_EVENT_TYPES.map(
      (type) => html`<div class="field checkbox">
        <input type="checkbox" id="event-${type.replace('.', '-')}" name="events" value="${type}"${
          values.events.includes(type) ? html` checked` : html``
        }>
        <label for="event-${type.replace('.', '-')}"><code>${type}</code>: ${WEBHOOK_EVENT_LABELS[type]}</label>
      </div>`,
    )}
  </fieldset>`;
}

function createForm(view: WebhooksView): Raw {
  const errors = view.errors ?? {};
  const values = view.values ?? { url: '', description: '', events: [...WEBHOOK_EVENT_TYPES] };
  const hint = view.allowLocalHttp
    ? 'https:// only; in the sandbox, http://localhost too. Guestlist POSTs each event there as JSON.'
    : 'https:// only. Guestlist POSTs each event there as JSON.';
  return html`<section aria-labelledby="add">
    <h2 id="add">Add a webhook</h2>
    <form method="post" action="/admin/webhooks" class="stack">
      ${csrfField(view.csrfToken)}
      ${field({ name: 'url', label: LABELS.url, value: values.url, error: errors.url, required: true, maxLength: 2000, hint })}
      ${field({ name: 'description', label: LABELS.description, value: values.description, error: errors.description, maxLength: 200, hint: 'What receives it, such as the HR system.' })}
      ${eventsFieldset(values, errors.events)}
      <div><button type="submit">Add webhook</button></div>
    </form>
  </section>`;
}

export function webhooksBody(view: WebhooksView): Raw {
  return html`<h1>Webhooks</h1>
    ${view.flash ? html`<p class="flash" role="status">${view.flash}</p>` : html``}
    ${errorSummary(view.errors ?? {}, LABELS)}
    <p>Each event is POSTed as JSON, signed as the <a href="https://www.standardwebhooks.com">Standard Webhooks</a>
    specification says (<code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>).
    A failed delivery is tried again, up to 8 times over about a day. The README's "Teams and webhooks" shows how
    to check the signature.</p>
    ${
      view.webhooks.length === 0
        ? html`<p>There are no webhooks yet.</p>`
        : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Webhooks"><table class="queue">
            <caption class="visually-hidden">Webhooks, oldest first</caption>
            <thead><tr>
              <th scope="col">Endpoint</th><th scope="col">Events</th><th scope="col" class="optional">Added</th>
              <th scope="col" class="optional">Added by</th><th scope="col"><span class="visually-hidden">Action</span></th>
            </tr></thead>
            <tbody>${view.webhooks.map((webhook) => row(webhook, view.csrfToken))}</tbody>
          </table></div>`
    }
    ${createForm(view)}
    ${historyTable(view.history)}`;
}

const HISTORY_ACTIONS: Record<string, string> = { 'webhook.create': 'Added', 'webhook.delete': 'Deleted' };

function historyTable(history: AdminAuditEntry[]): Raw {
  return html`<section aria-labelledby="webhook-history">
    <h2 id="webhook-history">Webhook history</h2>
    ${
      history.length === 0
        ? html`<p>No webhook has been added or deleted yet.</p>`
        : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Webhook history entries"><table class="queue history">
            <caption class="visually-hidden">Webhooks added and deleted, newest first</caption>
            <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Webhook</th></tr></thead>
            <tbody>${history.map(
              (entry) => html`<tr>
                <td>${timeTag(entry.at)}</td>
                <td>${userText(actorLabel(entry.actor))}</td>
                <td>${HISTORY_ACTIONS[entry.action] ?? entry.action}</td>
                <td>${entry.detail ? userText(entry.detail) : html`<code>${entry.subject}</code>`}</td>
              </tr>`,
            )}</tbody>
          </table></div>`
    }
  </section>`;
}

/** The answer to the creation: the signing secret, once, with what to do with it now. */
export function createdBody(webhook: Webhook, secret: string): Raw {
  return html`<h1>Webhook added</h1>
    <div class="warning" role="note">
      <p><strong>Copy the signing secret now: it is shown only this once.</strong> The receiver needs it to check
      that each event comes from Guestlist. If it is lost, delete the webhook and add it again.</p>
    </div>
    <div class="field">
      <label for="new-secret">Signing secret of the webhook to <bdi>${shownUrl(webhook.url)}</bdi></label>
      <p class="hint" id="new-secret-hint">Select it all (click it, then Ctrl+A or ⌘A), copy it, and paste it
      straight into the receiver's secret store. Do not send it by email or chat.</p>
      <input id="new-secret" class="secret" type="text" readonly value="${secret}" aria-describedby="new-secret-hint"
        autocomplete="off" spellcheck="false">
    </div>
    <p>Events: ${webhook.events.map((event, i) => html`${i > 0 ? html`, ` : html``}<code>${event}</code>`)}.</p>
    <p><a href="/admin/webhooks/${webhook.id}">Its delivery log</a> · <a href="/admin/webhooks">Back to the webhooks</a>
    (the secret will not be shown there).</p>`;
}

const STATE_LABELS: Record<WebhookDelivery['state'], string> = {
  pending: 'Will try again',
  delivered: 'Delivered',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** The requester's address, read from the event as sent: the link to the request says whose it is. */
function requesterOf(delivery: WebhookDelivery): string {
  try {
    const email = (JSON.parse(delivery.body) as { data?: { request?: { email?: unknown } } }).data?.request?.email;
    if (typeof email === 'string') return email;
  } catch {
    // Not ours to fail on: the link still leads to the request.
  }
  return `Request ${delivery.requestId.slice(0, 8)}`;
}

function deliveryRow(delivery: WebhookDelivery): Raw {
  return html`<tr>
    <td>${timeTag(delivery.createdAt)}</td>
    <td><code>${delivery.eventType}</code></td>
    <td><a href="/admin/requests/${delivery.requestId}">${userText(requesterOf(delivery))}</a></td>
    <td><span class="badge delivery-${delivery.state}">${STATE_LABELS[delivery.state]}</span></td>
    <td>${delivery.attempts}</td>
    <td>${delivery.lastStatus === null ? '—' : String(delivery.lastStatus)}</td>
    <td class="optional">${delivery.lastAttemptAt ? timeTag(delivery.lastAttemptAt) : 'not yet'}</td>
    <td class="optional">${
      delivery.state === 'pending' && delivery.nextAttemptAt ? timeTag(delivery.nextAttemptAt) : '—'
    }</td>
    <td>${delivery.lastError ?? ''}</td>
  </tr>`;
}

export function deliveriesBody(view: {
  webhook: Webhook;
  deliveries: WebhookDelivery[];
  csrfToken: string;
  shown: number;
}): Raw {
  const { webhook } = view;
  return html`<p><a href="/admin/webhooks">Webhooks</a></p>
    <h1>Deliveries to <bdi class="token-name">${shownUrl(webhook.url)}</bdi></h1>
    ${webhook.description ? html`<p>${userText(webhook.description)}</p>` : html``}
    <p>Events: ${webhook.events.map((event, i) => html`${i > 0 ? html`, ` : html``}<code>${event}</code>`)}.
    Added ${timeTag(webhook.createdAt)} by ${userText(actorLabel(webhook.createdBy))}.</p>
    <h2>Recent deliveries</h2>
    ${
      view.deliveries.length === 0
        ? html`<p>Nothing has been sent to this webhook yet.</p>`
        : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Deliveries"><table class="queue">
            <caption class="visually-hidden">The last ${view.shown} deliveries, newest first</caption>
            <thead><tr>
              <th scope="col">Event time</th><th scope="col">Event</th><th scope="col">Request of</th>
              <th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Last status</th>
              <th scope="col" class="optional">Last attempt</th><th scope="col" class="optional">Next attempt</th>
              <th scope="col">Error</th>
            </tr></thead>
            <tbody>${view.deliveries.map(deliveryRow)}</tbody>
          </table></div>`
    }
    <h2>Delete</h2>
    <p>Deleting stops every delivery still waiting to be tried again, and erases the signing secret.</p>
    ${deleteForm(webhook, view.csrfToken)}`;
}
