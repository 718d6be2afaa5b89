// Replication lag (EmulatorOptions.replicationLagMs, Emulator.setReplicationLag). Entra
// writes replicate asynchronously: a user created a moment ago can be missing from
// `$filter` results and answer 404 on `GET /users/{id}` and on
// `POST /groups/{id}/members/$ref` for seconds, sometimes minutes (Microsoft identity
// blog, "Designing for eventual consistency for Microsoft Entra", 2026-03;
// reference/microsoft-graph.md, "Eventual consistency"). The invitation service reads
// the primary, so POST /invitations still finds the user and never creates a second one.
//
// A lagging user is recorded with the time it becomes visible, computed from the lag in
// force when it was created: changing the lag later affects only users created after.
// The programmatic getUser/listUsers ignore the lag (tests inspect the truth).
import type { EmulatorState } from './state.ts';

export interface Replication {
  lagMs: number;
  /** User id → epoch ms at which Graph reads start to see it. */
  visibleAt: Map<string, number>;
}

export function createReplication(lagMs: number): Replication {
  checkLag(lagMs);
  return { lagMs, visibleAt: new Map() };
}

export function checkLag(lagMs: number): void {
  if (!(Number.isFinite(lagMs) && lagMs >= 0)) throw new TypeError('replicationLagMs must be a number >= 0.');
}

/** Notes that a user was just written: hidden from reads for the current lag. */
export function startReplication(state: EmulatorState, userId: string): void {
  const { replication } = state;
  if (replication.lagMs > 0) replication.visibleAt.set(userId, state.clock().getTime() + replication.lagMs);
}

/** Whether Graph reads (lists, gets, member references) see this user yet. */
export function isReplicated(state: EmulatorState, userId: string): boolean {
  const at = state.replication.visibleAt.get(userId);
  if (at === undefined) return true;
  if (state.clock().getTime() < at) return false;
  state.replication.visibleAt.delete(userId);
  return true;
}
