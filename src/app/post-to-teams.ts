// The job that posts a request waiting for approval to its app's Teams channel (queued with
// the move to pending_approval, notifications.ts). It never holds up the decision: approvers
// decide in the console whether or not the card arrived, and a request decided before the
// job runs is not posted at all. Failures go back to the worker as OutboundHttpError:
// 408/429/5xx and network failures are retried with back-off (honouring Retry-After),
// other answers are permanent and end in recordTeamsFailure.
import { auditActor, WORKER } from '../domain/actor.ts';
import { isTransientStatus, OutboundHttpError, parseRetryAfter } from '../domain/outbound.ts';
import { teamsMessage } from '../domain/teams-card.ts';
import type { Clock, Ids, Logger, OutboundHttp, Store, TeamsChannels } from '../ports.ts';

export interface PostToTeamsDeps {
  store: Store;
  clock: Clock;
  http: OutboundHttp;
  teams: TeamsChannels;
  /** Where Guestlist is reached: the card's button opens `{publicUrl}/admin/requests/{id}`. */
  publicUrl: string;
}

export async function postToTeams(deps: PostToTeamsDeps, requestId: string, held?: AbortSignal): Promise<void> {
  const request = await deps.store.getRequest(requestId);
  if (request?.status !== 'pending_approval') return; // decided (or gone): nothing to ask
  const target = await deps.teams.targetFor(request);
  if (!target) return; // the request's app posts to no channel
  held?.throwIfAborted();
  const message = teamsMessage({
    request,
    appName: target.appName,
    answers: target.answers,
    requestUrl: `${deps.publicUrl}/admin/requests/${encodeURIComponent(request.id)}`,
  });
  const answer = await deps.http.postJson(target.webhookUrl, JSON.stringify(message));
  // A Workflows trigger answers 202 Accepted; any 2xx means the flow has the message.
  if (answer.status >= 200 && answer.status < 300) return;
  throw new OutboundHttpError(`Teams answered HTTP ${answer.status}.`, {
    status: answer.status,
    transient: isTransientStatus(answer.status),
    retryAfterMs: parseRetryAfter(answer.retryAfter, deps.clock.now()),
  });
}

/** The card could not be posted for good: said in the request's history, where admins look. */
export async function recordTeamsFailure(
  deps: { store: Store; clock: Clock; ids: Ids; logger: Logger },
  requestId: string,
  error: unknown,
): Promise<void> {
  const request = await deps.store.getRequest(requestId);
  if (!request) return;
  const now = deps.clock.now();
  const why = error instanceof OutboundHttpError ? error.message : 'an unexpected error (see the server log).';
  deps.logger.warn({ requestId, err: error }, 'could not post the request to Teams');
  await deps.store.recordProgress({
    requestId,
    expectedStatus: [request.status],
    at: now,
    audit: {
      id: deps.ids.next(),
      requestId,
      actor: auditActor(WORKER),
      action: 'teams_failed',
      fromStatus: request.status,
      toStatus: request.status,
      reason: `The Teams channel was not told of this request: ${why}`,
      at: now,
    },
  });
}
