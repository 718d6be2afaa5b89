// justification_required: when the policy requires a reason, a request without one is
// rejected. The form and the API refuse such a submission already (submit-request.ts,
// with the app's policy); this guards what reached pending_approval another way (a policy
// changed while the request waited for its confirmation, an admin's verified submission).
// The requester may read the reason (share: true): it says what to do.
import type { PolicyRule } from './rule.ts';

export const justificationRequired: PolicyRule = {
  name: 'justification_required',
  check(policy, facts) {
    if (!policy.requireJustification) return { verdict: 'continue', why: 'The policy does not require a reason.' };
    if (facts.justification !== null) return { verdict: 'continue', why: 'A reason was given.' };
    return {
      verdict: 'reject',
      reason: 'This app needs a reason for access; ask again and say why you need it.',
      share: true,
    };
  },
};
