// An app's approval policy: what the rules check when a request is verified, and the
// stages that ask people when no rule decides. The shapes only; the rules themselves are
// small named checks listed in one table (domain/policy/), each answering approve,
// reject(reason) or "needs approval".

/**
 * Who may decide a stage: a person by email, everyone with a Guestlist role (the app roles
 * Guestlist.Admin / Guestlist.Approver), or an Entra group's members.
 */
export type ApproverRef =
  | { kind: 'person'; email: string }
  | { kind: 'role'; role: 'admin' | 'approver' }
  | { kind: 'group'; groupId: string; name?: string };

export interface ApprovalStage {
  name: string;
  /** "Any one approves": the first approver's decision decides the stage. */
  approvers: readonly ApproverRef[];
  /** Days without a decision before the stage times out; null: it waits for ever. */
  timeoutDays: number | null;
  /** At the timeout: the alternates take over (once), or the request is rejected. */
  onTimeout: 'escalate' | 'reject';
  alternates: readonly ApproverRef[];
  /** Days after the stage began that its approvers get their one reminder; null: none. */
  reminderDays: number | null;
}

export interface ApprovalPolicy {
  /** Rejected outright (exact domain or a subdomain of it). */
  blockedDomains: readonly string[];
  /** Reject addresses at disposable-mail domains (a maintained list package). */
  rejectDisposable: boolean;
  /** "Connected organizations": approved automatically, or sent to the last stage only. */
  allowedDomains: readonly string[];
  allowedDomainsOutcome: 'approve' | 'last_stage';
  /** Someone who is already a guest of the tenant and holds another app: approve, or ask as usual. */
  existingGuest: 'approve' | 'ask';
  requireJustification: boolean;
  /** Up to three stages, decided in order; none: what no rule decided is approved. */
  stages: readonly ApprovalStage[];
}

/** What a policy says of one request; `rule` names the check that decided (for the audit log). */
export type PolicyDecision =
  | { outcome: 'approve'; rule: string; why: string }
  | { outcome: 'reject'; rule: string; reason: string }
  | { outcome: 'ask'; rule: string; why: string; stage: number };

/**
 * The policy of the default app, and of an app that declares none: one stage that anyone
 * holding the Guestlist.Approver or Guestlist.Admin role decides — what those roles meant
 * before apps had stages, so an existing deployment's approvers keep deciding.
 */
export const DEFAULT_POLICY: ApprovalPolicy = {
  blockedDomains: [],
  rejectDisposable: false,
  allowedDomains: [],
  allowedDomainsOutcome: 'approve',
  existingGuest: 'ask',
  requireJustification: false,
  stages: [
    {
      name: 'Approval',
      approvers: [
        { kind: 'role', role: 'approver' },
        { kind: 'role', role: 'admin' },
      ],
      timeoutDays: null,
      onTimeout: 'reject',
      alternates: [],
      reminderDays: null,
    },
  ],
};
