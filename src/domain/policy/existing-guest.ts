// existing_guest: someone who is already a guest of the tenant and holds another app is
// approved at once when the policy says `approve`; with `ask` they are asked about as
// anyone else. The fact is gathered by the use case (app/policy-facts.ts); when it could
// not be (the directory was down), the rule has no opinion and the stages ask: the rule
// only ever approves, so not knowing can only cost a human decision, never a wrong one.
import type { PolicyRule } from './rule.ts';

export const existingGuest: PolicyRule = {
  name: 'existing_guest',
  check(policy, facts) {
    if (policy.existingGuest === 'ask')
      return { verdict: 'continue', why: 'The policy asks about existing guests too.' };
    switch (facts.existingGuest) {
      case true:
        return { verdict: 'approve', why: 'Already a guest of the tenant holding another app.' };
      case 'unknown':
        return { verdict: 'continue', why: 'Could not check whether this is an existing guest; the approvers decide.' };
      default:
        return { verdict: 'continue', why: 'Not an existing guest holding another app.' };
    }
  },
};
