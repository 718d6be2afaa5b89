// blocked_domain: an address at a listed domain, or at any subdomain of one, is rejected.
// - Compared case-insensitively, IDN and punycode alike, a trailing dot ignored (domains.ts).
// - The reason kept for admins names the domain; the requester is not told which list they
//   met (share: false): a domain block is the organization's business, and naming it only
//   helps someone look for an address that slips past.
// - First in the table: a block wins over every approval (an allowed parent domain with a
//   blocked subdomain rejects the subdomain).

import { emailDomain, matchDomain } from './domains.ts';
import type { PolicyRule } from './rule.ts';

export const blockedDomain: PolicyRule = {
  name: 'blocked_domain',
  check(policy, facts) {
    const domain = emailDomain(facts.email);
    const hit = matchDomain(domain, policy.blockedDomains);
    if (hit === null) {
      return { verdict: 'continue', why: `${domain} is not in the blocked domains.` };
    }
    return {
      verdict: 'reject',
      reason: `Addresses at ${hit} are blocked by this app's policy.`,
      share: false,
    };
  },
};
