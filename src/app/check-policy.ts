// The dry run: what the policy would decide for an address (and reason), rule by rule,
// with the same facts a verification gathers, and nothing written. For the console's
// /admin/policy-check and `guestlist policy check`.
import type { ApprovalPolicy } from '../domain/approval-policy.ts';
import { DEFAULT_APP_ID } from '../domain/apps.ts';
import { ValidationError } from '../domain/errors.ts';
import { normalizeJustification } from '../domain/justification.ts';
import { normalizeEmail } from '../domain/person.ts';
import { explainPolicy, type PolicyEvaluation } from '../domain/policy/index.ts';
import type { Clock, Store } from '../ports.ts';
import { defaultPolicyResolver, type PolicySources } from './apply-policy.ts';
import { gatherPolicyFacts } from './policy-facts.ts';

export interface PolicyCheck extends PolicyEvaluation {
  /** The address as normalized (and as the rules compared it). */
  email: string;
  policy: ApprovalPolicy;
  /** What could not be checked (the directory down), or null. */
  note: string | null;
}

export async function checkPolicy(
  deps: PolicySources & { store: Pick<Store, 'listOpenRequestsByEmail'>; clock: Clock },
  input: { email: string; justification?: string | undefined; appId?: string | undefined },
): Promise<PolicyCheck> {
  const email = normalizeEmail(input.email);
  const justification = normalizeJustification(input.justification);
  const fields = [
    ...(email.ok ? [] : [{ field: '/email', message: email.reason }]),
    ...(justification.ok ? [] : [{ field: '/justification', message: `The reason ${justification.reason}.` }]),
  ];
  if (!email.ok || !justification.ok) throw new ValidationError('The address or reason is not valid.', fields);
  const appId = input.appId ?? DEFAULT_APP_ID;
  const policy = await (deps.policyFor ?? defaultPolicyResolver)({ email: email.email, appId });
  const { facts, note } = await gatherPolicyFacts(deps, {
    policy,
    email: email.email,
    justification: justification.justification,
    appId,
  });
  return { ...explainPolicy(policy, facts, deps.clock.now()), email: email.email, policy, note };
}
