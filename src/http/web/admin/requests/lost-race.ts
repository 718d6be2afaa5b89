// What the loser of a race is told: two approvers decided at once, or the request moved on
// (a worker, another admin) between the page being shown and the form being sent. The
// use case wrote nothing; this says what the request is now and who made it so.
import { statusLabel } from '../../components.ts';
import type { ConsoleDeps } from '../console.ts';
import { actorLabel } from '../console.ts';

export async function lostRace(deps: Pick<ConsoleDeps, 'store'>, id: string): Promise<string> {
  const current = await deps.store.getRequest(id);
  if (!current) return 'Nothing was changed: this request no longer exists.';
  const history = await deps.store.listAudit(id);
  const last = history.findLast((entry) => entry.toStatus === current.status);
  const status = statusLabel(current.status).toLowerCase();
  const when = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  // An approval is taken up by the worker within a second ("being set up, by worker"): the
  // loser of an approvers' race wants to know which person decided, so name the decision.
  const decision = history.findLast((entry) => entry.action === 'approve' || entry.action === 'reject');
  if (decision && decision !== last) {
    const verb = decision.action === 'approve' ? 'approved' : 'rejected';
    return `Nothing was changed: ${actorLabel(decision.actor)} already ${verb} this request at ${when(decision.at)}; it is now ${status}.`;
  }
  if (!last) return `Nothing was changed: this request is now ${status}.`;
  return `Nothing was changed: this request is already ${status}, by ${actorLabel(last.actor)} at ${when(last.at)}.`;
}
