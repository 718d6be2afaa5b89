// disposable_address: when the policy says so, an address at a disposable-mail service
// (mailinator.com, its subdomains, and the thousands like it) is rejected.
// - The list is the community blocklist (github.com/disposable-email-domains), shipped as
//   the npm package disposable-email-domains-js: updated with each release of the list,
//   pinned in the lockfile, upgraded like any dependency.
// - A subdomain of a listed domain counts (the list holds registrable domains).
// - The requester may read why (share: true): it tells an honest person what to change
//   (use a lasting address) and reveals nothing the public list does not.
import { disposableEmailBlocklistSet } from 'disposable-email-domains-js';
import { domainAndParents, emailDomain } from './domains.ts';
import type { PolicyRule } from './rule.ts';

// Read once: the list is data, the same for every request.
const DISPOSABLE: ReadonlySet<string> = disposableEmailBlocklistSet();

/** The listed disposable domain `domain` is or belongs to, or null. */
export function disposableDomain(domain: string): string | null {
  return domainAndParents(domain).find((each) => DISPOSABLE.has(each)) ?? null;
}

export const disposableAddress: PolicyRule = {
  name: 'disposable_address',
  check(policy, facts) {
    if (!policy.rejectDisposable) return { verdict: 'continue', why: 'The policy accepts disposable addresses.' };
    const domain = emailDomain(facts.email);
    const hit = disposableDomain(domain);
    if (hit === null) return { verdict: 'continue', why: `${domain} is not a known disposable-mail domain.` };
    return {
      verdict: 'reject',
      reason: `${hit} is a disposable-mail service; ask again with an address you will keep.`,
      share: true,
    };
  },
};
