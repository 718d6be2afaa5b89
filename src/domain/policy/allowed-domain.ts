// allowed_domain: "connected organizations". An address at a listed domain (or a
// subdomain) is approved at once (`approve`), or goes straight to the last stage only
// (`last_stage`), skipping the earlier ones. With no stage to go to, it is approved.
// After the rejecting rules: a blocked or disposable address is never let through here.

import { emailDomain, matchDomain } from './domains.ts';
import type { PolicyRule } from './rule.ts';

export const allowedDomain: PolicyRule = {
  name: 'allowed_domain',
  check(policy, facts) {
    const domain = emailDomain(facts.email);
    const hit = matchDomain(domain, policy.allowedDomains);
    if (hit === null) return { verdict: 'continue', why: `${domain} is not in the allowed domains.` };
    const last = policy.stages.length - 1;
    if (policy.allowedDomainsOutcome === 'last_stage' && last >= 0) {
      return {
        verdict: 'ask',
        stage: last,
        why: `${hit} is an allowed domain: only the last stage (${policy.stages[last]!.name}) decides.`,
      };
    }
    return { verdict: 'approve', why: `${hit} is an allowed domain.` };
  },
};
