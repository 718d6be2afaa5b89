// Who acts on a request, as the use cases see it. The audit trail stores one string per
// entry (`token:<name>`, `requester`, `worker`, `system`, `cli:<user>`, `entra:<oid> <name>`,
// `local:<user> <name>`, `policy:<rule>`); auditActor() is
// the only place that string is made, so stored history reads as it always has.
export type Actor =
  /** A caller holding an API token (`guestlist token create`), by the token's name. */
  | { kind: 'token'; name: string }
  /** The person asking for access, proving their address by a link. */
  | { kind: 'requester' }
  /** A job run by the worker (provisioning, mail). */
  | { kind: 'worker' }
  /** Guestlist on its own (the redemption check). */
  | { kind: 'system' }
  /** The app's approval policy deciding on its own, by the rule that decided (domain/policy/). */
  | { kind: 'policy'; rule: string }
  /** An operator at the server, by operating-system account. */
  | { kind: 'cli'; user: string }
  /**
   * A person signed in to the console: through Entra ID (by object id, `oid`) or as a
   * break-glass local admin (by user name). The name is what the audit trail shows.
   */
  | { kind: 'person'; via: 'entra' | 'local'; id: string; name: string }
  /** An approver deciding from the Approve / Reject link emailed to this address (app/decide-by-link.ts). */
  | { kind: 'email-link'; email: string };

export const REQUESTER: Actor = { kind: 'requester' };
export const WORKER: Actor = { kind: 'worker' };
export const SYSTEM: Actor = { kind: 'system' };

/** How the audit trail names an actor (AuditEntry.actor). Never a secret. */
export function auditActor(actor: Actor): string {
  switch (actor.kind) {
    case 'token':
      return `token:${actor.name}`;
    case 'cli':
      return `cli:${actor.user}`;
    case 'policy':
      return `policy:${actor.rule}`;
    case 'person':
      // `entra:<oid> <name>` / `local:<user> <name>`: the id first, so the string still
      // names one person when two share a display name.
      return `${actor.via}:${actor.id} ${actor.name}`;
    case 'email-link':
      return `email-link:${actor.email}`;
    case 'requester':
    case 'worker':
    case 'system':
      return actor.kind;
  }
}
