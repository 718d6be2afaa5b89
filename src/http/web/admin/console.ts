// What every console page shares: the layout's context with the "waiting for you" count,
// the counts per state it is computed from, and how the audit trail's actors read.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Catalogue } from '../../../app/app-catalogue.ts';
import type { Status } from '../../../domain/lifecycle.ts';
import type { Role } from '../../../domain/roles.ts';
import type { Clock, Ids, RequestQueries, Store } from '../../../ports.ts';
import type { SandboxHooks } from '../../sandbox-hooks.ts';
import type { PageContext } from '../layout.ts';
import { pageContext, type WebSettings } from '../render.ts';

export interface ConsoleDeps {
  web: WebSettings;
  store: Store;
  queries: RequestQueries;
  clock: Clock;
  ids: Ids;
  sandbox: SandboxHooks | null;
  /** The apps (admin/apps/, and each request's app and answers). */
  catalogue: Catalogue;
}

/** What waits for each role: an approver decides; an admin also settles matches and failures. */
export const WAITING: Readonly<Record<Role, readonly Status[]>> = {
  approver: ['pending_approval'],
  admin: ['pending_approval', 'needs_confirmation', 'failed'],
};

export function waitingStatuses(request: FastifyRequest): readonly Status[] {
  return WAITING[request.principal?.role ?? 'approver'];
}

export type Counts = Partial<Record<Status, number>>;

/**
 * The page context of a console page, with the count of what waits for the caller. Only
 * the queue asks for `every` state's count (its filter shows them): the waiting states are
 * few and small, so counting only them costs next to nothing on the other pages.
 */
export async function consoleContext(
  deps: ConsoleDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  every = false,
): Promise<{ ctx: PageContext; counts: Counts }> {
  const counts = await deps.queries.countByStatus(every ? undefined : waitingStatuses(request));
  const waiting = waitingStatuses(request).reduce((sum, status) => sum + (counts[status] ?? 0), 0);
  return { ctx: { ...pageContext(deps.web, request, reply), waiting }, counts };
}

/**
 * An audit actor as people read it: a signed-in person by name (`entra:<oid> <name>`), a
 * token as such; `worker`, `requester`, `system`, `cli:<user>` as they are.
 */
export function actorLabel(actor: string): string {
  const person = /^(?:entra|local):\S+ (.+)$/.exec(actor);
  if (person) return person[1]!;
  if (actor.startsWith('token:')) return `API token ${actor.slice('token:'.length)}`;
  return actor;
}

/** The audit trail's actions as people read them; an action not listed shows as stored. */
const ACTION_LABELS: Readonly<Record<string, string>> = {
  submit: 'Submitted',
  verify: 'Email address confirmed',
  approve: 'Approved',
  reject: 'Rejected',
  start_provisioning: 'Provisioning started',
  ask_confirmation: 'Asked an admin to confirm the directory match',
  confirm_match: 'Directory match confirmed',
  invite: 'Invited',
  activate: 'Access granted',
  fail: 'Failed',
  retry: 'Sent back to provisioning',
  expire: 'Expired',
  revoke: 'Access revoked',
  withdraw: 'Withdrawn',
  resend_requested: 'Invitation resend asked for',
  resend_invitation: 'Invitation resent',
  invitation_email_uncertain: 'Invitation email may not have been sent',
  mail_failed: 'Email could not be sent',
  // What the revoke_access job did (app/remove-access.ts), one entry per step.
  access_removed: 'Group membership removed',
  guest_deleted: 'Guest account deleted',
  guest_kept: 'Guest account kept',
  access_removal_failed: 'Removing access failed',
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}
