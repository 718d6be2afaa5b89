// What every policy rule sees and answers. A rule is a pure function of the app's policy
// and the facts about one request; the table in index.ts runs them in order and the first
// rule that answers anything but `continue` decides.
import type { ApprovalPolicy } from '../approval-policy.ts';

/** What the evaluation knows of the request; gathered by the use case, never looked up here. */
export interface PolicyFacts {
  /** The normalized address (domain/person.ts: lower case, punycode domain). */
  email: string;
  /** The requester's reason, normalized (null: none given). */
  justification: string | null;
  /**
   * Whether the person is already a guest of the tenant holding another app: `unknown` when
   * the lookup failed (the directory was down), `not_checked` when the policy does not ask.
   */
  existingGuest: boolean | 'unknown' | 'not_checked';
}

/** One rule's answer. `share`: the requester may read the rejection reason. */
export type Verdict =
  | { verdict: 'approve'; why: string; rule?: string }
  | { verdict: 'reject'; reason: string; share: boolean }
  | { verdict: 'ask'; stage: number; why: string }
  | { verdict: 'continue'; why: string };

export interface PolicyRule {
  /** The name the audit trail shows (`policy:<name>`). */
  name: string;
  check(policy: ApprovalPolicy, facts: PolicyFacts, now: Date): Verdict;
}
