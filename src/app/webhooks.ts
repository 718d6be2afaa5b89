// An admin registers, and deletes, the URLs that receive signed events (README, "Teams and
// webhooks"). Every change is written to the admin audit trail in the same transaction as
// the change. The signing secret is made here and returned once, to be shown once; the
// audit and the lists never hold it.
import { randomBytes } from 'node:crypto';
import { type Actor, auditActor } from '../domain/actor.ts';
import { type FieldError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { outboundUrlProblem } from '../domain/outbound.ts';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../domain/webhook-events.ts';
import type { Clock, Ids, Store, Webhook } from '../ports.ts';

export interface WebhookDeps {
  store: Store;
  clock: Clock;
  ids: Ids;
  /** Plain http://localhost accepted (sandbox mode only; config.ts). */
  allowLocalHttp: boolean;
}

const MAX_URL_LENGTH = 2000;
const MAX_DESCRIPTION_LENGTH = 200;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

export async function createWebhook(
  deps: WebhookDeps,
  input: { url: string; description?: string; events: readonly string[]; actor: Actor },
): Promise<{ webhook: Webhook; secret: string }> {
  const url = input.url.trim();
  const description = (input.description ?? '').trim();
  const errors: FieldError[] = [];
  const urlProblem =
    url.length > MAX_URL_LENGTH
      ? `Use at most ${MAX_URL_LENGTH} characters.`
      : outboundUrlProblem(url, deps.allowLocalHttp);
  if (urlProblem) errors.push({ field: 'url', message: urlProblem });
  if (description.length > MAX_DESCRIPTION_LENGTH || CONTROL_CHARACTERS.test(description)) {
    errors.push({ field: 'description', message: `Use at most ${MAX_DESCRIPTION_LENGTH} characters, on one line.` });
  }
  const unknown = input.events.filter((event) => !isWebhookEventType(event));
  if (input.events.length === 0 || unknown.length > 0) {
    errors.push({ field: 'events', message: `Choose one or more of ${WEBHOOK_EVENT_TYPES.join(', ')}.` });
  }
  if (errors.length > 0) throw new ValidationError('The webhook cannot be registered.', errors);

  const now = deps.clock.now();
  // Standard Webhooks: `whsec_` and the base64 of 24 to 64 random bytes.
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const events = WEBHOOK_EVENT_TYPES.filter((type) => input.events.includes(type)) as WebhookEventType[];
  const webhook: Webhook = {
    id: deps.ids.next(),
    url,
    description,
    events,
    createdAt: now,
    createdBy: auditActor(input.actor),
  };
  await deps.store.insertWebhook(webhook, secret, {
    at: now,
    actor: webhook.createdBy,
    action: 'webhook.create',
    subject: webhook.id,
    detail: `${shownUrl(url)} (${events.join(', ')})`,
  });
  return { webhook, secret };
}

export async function deleteWebhook(
  deps: Pick<WebhookDeps, 'store' | 'clock'>,
  input: { id: string; actor: Actor },
): Promise<{ webhook: Webhook; deleted: boolean }> {
  const webhook = await deps.store.getWebhook(input.id);
  if (!webhook) throw new NotFoundError('The webhook');
  const now = deps.clock.now();
  const deleted = await deps.store.deleteWebhook(webhook.id, now, {
    at: now,
    actor: auditActor(input.actor),
    action: 'webhook.delete',
    subject: webhook.id,
    detail: shownUrl(webhook.url),
  });
  return { webhook, deleted };
}

/**
 * A URL as pages and the audit trail show it: without its query string, where receivers
 * sometimes put a token of their own.
 */
export function shownUrl(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : `${url.slice(0, query)}?…`;
}
