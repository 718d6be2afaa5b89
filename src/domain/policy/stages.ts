// stages: what no earlier rule decided goes to the first approval stage. A policy with no
// stages approves it (rule `no_stages`): there is nobody to ask, and the app's owner said so.
// Always answers: the last row of the table.
import type { PolicyRule } from './rule.ts';

export const stages: PolicyRule = {
  name: 'stages',
  check(policy) {
    const first = policy.stages[0];
    if (!first) return { verdict: 'approve', rule: 'no_stages', why: 'The policy has no approval stage.' };
    return { verdict: 'ask', stage: 0, why: `No rule decided: the first stage (${first.name}) decides.` };
  },
};
