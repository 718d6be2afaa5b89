// The facts a policy evaluation needs beyond the request itself, gathered here so the
// rules stay pure (domain/policy/). Only what the policy will use is looked up: the
// existing-guest lookup runs only when the policy would approve an existing guest.
import type { ApprovalPolicy } from '../domain/approval-policy.ts';
import { DirectoryError } from '../domain/directory-error.ts';
import type { PolicyFacts } from '../domain/policy/index.ts';
import type { Directory, Store } from '../ports.ts';

export interface PolicyFactDeps {
  store: Pick<Store, 'listOpenRequestsByEmail'>;
  /** The tenant, for "already a guest"; absent: only Guestlist's own requests are asked. */
  directory?: Pick<Directory, 'findUsersByEmail'> | null | undefined;
}

/**
 * The facts for `email` asking for `appId`; `note` says what could not be checked (kept in
 * the audit trail).
 */
export async function gatherPolicyFacts(
  deps: PolicyFactDeps,
  input: { policy: ApprovalPolicy; email: string; justification: string | null; appId: string },
): Promise<{ facts: PolicyFacts; note: string | null }> {
  const base = { email: input.email, justification: input.justification };
  if (input.policy.existingGuest !== 'approve') return { facts: { ...base, existingGuest: 'not_checked' }, note: null };
  // Guestlist's own record first: the address holds another app through an active request.
  const open = await deps.store.listOpenRequestsByEmail(input.email);
  if (open.some((each) => each.appId !== input.appId && each.status === 'active')) {
    return { facts: { ...base, existingGuest: true }, note: null };
  }
  if (!deps.directory) return { facts: { ...base, existingGuest: false }, note: null };
  try {
    // A guest who redeemed and is enabled: someone the tenant already lets in.
    const matches = await deps.directory.findUsersByEmail(input.email);
    const guest = matches.some(
      ({ user }) => user.userType === 'Guest' && user.externalUserState === 'Accepted' && user.accountEnabled !== false,
    );
    return { facts: { ...base, existingGuest: guest }, note: null };
  } catch (error) {
    // The directory is down or refused: the rule cannot approve, so the approvers decide
    // (never lost, never stuck); the note tells them why they were asked.
    // Only Graph's error code (or the error's class): no message that could carry a detail.
    const what = error instanceof DirectoryError ? error.graphCode : error instanceof Error ? error.name : 'error';
    return {
      facts: { ...base, existingGuest: 'unknown' },
      note: `Could not check the directory for an existing guest (${what}).`,
    };
  }
}
