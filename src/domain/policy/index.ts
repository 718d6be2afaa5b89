// An app's approval policy, evaluated: the rules in ONE ordered table, each a small named
// check (one file each, opening with what it enforces). The first rule that answers
// approve, reject or ask decides; `continue` passes to the next. Pure: the facts are
// gathered by the use case, so the same evaluation serves a verified request and the
// console's dry run (which shows every rule's verdict, not only the deciding one).
import type { ApprovalPolicy, PolicyDecision } from '../approval-policy.ts';
import { allowedDomain } from './allowed-domain.ts';
import { blockedDomain } from './blocked-domain.ts';
import { disposableAddress } from './disposable-address.ts';
import { existingGuest } from './existing-guest.ts';
import { justificationRequired } from './justification-required.ts';
import type { PolicyFacts, PolicyRule, Verdict } from './rule.ts';
import { stages } from './stages.ts';

export type { PolicyFacts, PolicyRule, Verdict } from './rule.ts';

/**
 * The order is the policy's meaning: rejections first (a block beats an allowed domain),
 * then the shortcuts that approve, then the stages, which always answer.
 */
export const POLICY_RULES: readonly PolicyRule[] = [
  blockedDomain,
  disposableAddress,
  justificationRequired,
  allowedDomain,
  existingGuest,
  stages,
];

export interface PolicyEvaluation {
  decision: PolicyDecision;
  /** A rejection's reason may be shown to the requester (their status page and email). */
  shareReason: boolean;
  /** Every rule's verdict in table order; the rules after `decidedBy` were not reached. */
  trace: { rule: string; verdict: Verdict }[];
  /** The index in `trace` of the rule that decided. */
  decidedBy: number;
}

/** Every rule's verdict and the decision: the first that is not `continue` (the dry run shows all). */
export function explainPolicy(policy: ApprovalPolicy, facts: PolicyFacts, now: Date): PolicyEvaluation {
  const trace = POLICY_RULES.map((rule) => ({ rule: rule.name, verdict: rule.check(policy, facts, now) }));
  const decidedBy = trace.findIndex((each) => each.verdict.verdict !== 'continue');
  const decider = trace[decidedBy];
  // `stages`, the last row, always answers; were it not to, asking is the safe default.
  if (!decider) {
    const decision: PolicyDecision = { outcome: 'ask', rule: 'stages', why: 'No rule decided.', stage: 0 };
    return { decision, shareReason: false, trace, decidedBy: trace.length - 1 };
  }
  const { rule, verdict } = decider;
  switch (verdict.verdict) {
    case 'approve':
      return {
        decision: { outcome: 'approve', rule: verdict.rule ?? rule, why: verdict.why },
        shareReason: false,
        trace,
        decidedBy,
      };
    case 'reject':
      return {
        decision: { outcome: 'reject', rule, reason: verdict.reason },
        shareReason: verdict.share,
        trace,
        decidedBy,
      };
    default: {
      const stage = verdict.verdict === 'ask' ? verdict.stage : 0;
      return { decision: { outcome: 'ask', rule, why: verdict.why, stage }, shareReason: false, trace, decidedBy };
    }
  }
}

/** What the policy says of one request, naming the rule that decided. */
export function evaluatePolicy(policy: ApprovalPolicy, facts: PolicyFacts, now: Date): PolicyDecision {
  return explainPolicy(policy, facts, now).decision;
}
