// The tenant's invitation policy (authorizationPolicy.allowInvitesFrom, authorizationpolicy.md):
// Graph refuses every app-only invitation when only admins and guest inviters, or nobody,
// may invite — an app is neither an admin nor a guest inviter (reference/microsoft-graph.md,
// "Invitations"). Reading the policy needs Policy.Read.All, an optional permission: without
// it the check is listed as skipped, with how to enable it.
// Not checked here: a tenant "blocked for suspicious activity" (Graph does not say so through
// this API; provisioning reports it when an invitation meets it), and the domain allow/deny list.
import { classifyGraphError } from '../adapters/directory/classify-graph-error.ts';
import { createGraphClient } from '../adapters/directory/graph-client.ts';
import { isGranted, READ_INVITATION_POLICY } from '../adapters/directory/permissions.ts';
import type { EntraConfig } from '../config.ts';
import type { Context } from './doctor.ts';
import { grantFix, SANDBOX, tokenRoles } from './doctor-entra-checks.ts';
import { type Line, skipped } from './doctor-lines.ts';

const WHAT = 'Invitation policy';

/** allowInvitesFrom values that let an app-only caller invite, and those that do not. */
const ALLOWS = new Set(['everyone', 'adminsGuestInvitersAndAllMembers']);
const REFUSES = new Set(['none', 'adminsAndGuestInviters']);

export async function checkInvitationPolicy({ entra, token, noToken, deps }: Context): Promise<Line[]> {
  if (!entra || !token) return [skipped(WHAT, noToken ?? SANDBOX)];
  const roles = tokenRoles(token);
  if (roles && !isGranted(READ_INVITATION_POLICY, roles)) return [withoutPermission(entra, token, 'the app lacks it')];
  let allowInvitesFrom: unknown;
  try {
    const graph = createGraphClient({ entra, ca: deps.ca });
    const policy = (await graph.call((api) => api('/policies/authorizationPolicy').get(), { optional: true })) as {
      allowInvitesFrom?: unknown;
    };
    allowInvitesFrom = policy.allowInvitesFrom;
  } catch (err) {
    const error = classifyGraphError(err);
    // The token said otherwise, or could not be read: Graph's refusal is the truth.
    if (error.httpStatus === 403) return [withoutPermission(entra, token, `Graph refused: ${error.describe()}`)];
    return [{ mark: '!', text: `${WHAT} could not be read: ${error.describe()}` }];
  }
  const value = String(allowInvitesFrom);
  if (ALLOWS.has(value)) {
    return [{ mark: '✓', text: `${WHAT} lets the app invite guests (allowInvitesFrom: ${value}).` }];
  }
  const fix =
    'Entra admin center → External Identities → External collaboration settings → Guest invite settings: choose ' +
    '"Member users and users assigned to specific admin roles can invite guest users…" or "Anyone in the ' +
    'organization can invite guest users…", then Save.';
  if (REFUSES.has(value)) {
    return [
      {
        mark: '✗',
        text:
          `${WHAT} refuses app-only invitations (allowInvitesFrom: ${value}): ` +
          'Graph will answer 403 to every invitation Guestlist sends.',
        fix,
      },
    ];
  }
  return [
    {
      mark: '!',
      text: `${WHAT} has allowInvitesFrom ${value}, a value doctor does not know: invitations may be refused.`,
      fix,
    },
  ];
}

function withoutPermission(entra: EntraConfig, token: string, why: string): Line {
  return {
    ...skipped(WHAT, `reading it needs ${READ_INVITATION_POLICY.name} (optional; ${why}).`),
    fix: `To check it, grant it: ${grantFix(READ_INVITATION_POLICY.name, entra, token)}`,
  };
}
