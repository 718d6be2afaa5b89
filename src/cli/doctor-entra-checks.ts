// The doctor's checks against Microsoft Entra ID: a token and the permissions in it (the
// groups: doctor-group-checks.ts; the invitation policy: doctor-policy-check.ts). Each
// explains a failure in plain words with the fix.
import type { TokenCredentialOptions } from '@azure/identity';
import { decodeJwt } from 'jose';
import { describeEntraAnswer, type EntraAnswer, explainAadsts, readEntraAnswer } from '../adapters/directory/aadsts.ts';
import { probeAuthority } from '../adapters/directory/authority-probe.ts';
import { classifyGraphError } from '../adapters/directory/classify-graph-error.ts';
import { createCredential, describeCredential, graphScope } from '../adapters/directory/credential.ts';
import { DELETE_USERS, isGranted, requiredPermissions } from '../adapters/directory/permissions.ts';
import type { EntraConfig } from '../config.ts';
import type { Context } from './doctor.ts';
import { type Line, skipped } from './doctor-lines.ts';

export const SANDBOX = 'sandbox mode: the bundled emulator plays Microsoft Entra ID.';

export async function checkToken(ctx: Context): Promise<Line[]> {
  const { entra, deps } = ctx;
  if (!entra) {
    ctx.noToken = SANDBOX;
    return [skipped('Entra token', SANDBOX)];
  }
  if (ctx.cloudMismatch) {
    ctx.noToken = 'no token: AZURE_AUTHORITY_HOST and GUESTLIST_GRAPH_URL are in different clouds (✗ above).';
    return [skipped('Entra token', 'AZURE_AUTHORITY_HOST and GUESTLIST_GRAPH_URL are in different clouds (✗ above).')];
  }
  ctx.noToken = 'no token: the token check failed (✗ above).';
  const recorder = entraAnswerRecorder();
  try {
    const credential = createCredential(entra, { ca: deps.ca, additionalPolicies: [recorder.entry] });
    const token = await credential.getToken(graphScope(entra.graphUrl), { abortSignal: AbortSignal.timeout(30_000) });
    if (!token) throw new Error('The credential returned no token.');
    ctx.token = token.token;
    ctx.noToken = null;
    const from = entra.credential.kind === 'managed-identity' ? 'the managed identity endpoint' : entra.authorityHost;
    return [{ mark: '✓', text: `Token acquired from ${from} with ${describeCredential(entra.credential)}.` }];
  } catch (err) {
    let error = classifyGraphError(err);
    // MSAL hides why the authority's metadata could not be read; ask it ourselves.
    if (error.graphCode === 'token_unavailable') error = (await probeAuthority(entra, deps.ca)) ?? error;
    const explained = explainAadsts(error.graphCode);
    if (explained) {
      return [
        {
          mark: '✗',
          text: `No token: ${explained.problem} (${error.graphCode})`,
          fix: forApp(explained.fix, entra),
        },
      ];
    }
    // A verdict we have no words for: quote Entra's own, with its page about the error.
    const answer = recorder.last() ?? (error.cause as { entraAnswer?: EntraAnswer } | undefined)?.entraAnswer;
    if (answer) {
      const { problem, fix } = describeEntraAnswer(answer);
      return [{ mark: '✗', text: `No token: ${problem}`, fix }];
    }
    // Not Entra's verdict: the authority could not be reached, or the credential could not
    // even be built (identity reads the certificate file at the first getToken).
    const local = !error.transient && entra.credential.kind === 'certificate';
    return [
      {
        mark: '✗',
        text: `No token: ${error.message}`,
        fix: local
          ? 'Check AZURE_CLIENT_CERTIFICATE_PATH: a PEM file holding the private key and the certificate ' +
            '(and AZURE_CLIENT_CERTIFICATE_PASSWORD when the key is encrypted).'
          : 'Check AZURE_AUTHORITY_HOST and that this machine can reach it over https (proxy, firewall, CA).',
      },
    ];
  }
}

type PolicyEntry = NonNullable<TokenCredentialOptions['additionalPolicies']>[number];

/**
 * Keeps the token endpoint's last error answer. MSAL passes on its description but drops
 * `error_uri` (and identity rewraps the rest), so doctor reads the response itself. Only the
 * response is read: the request carries the secret or the signed assertion.
 */
function entraAnswerRecorder(): { entry: PolicyEntry; last(): EntraAnswer | null } {
  let last: EntraAnswer | null = null;
  const entry: PolicyEntry = {
    position: 'perCall',
    policy: {
      name: 'guestlistDoctorEntraAnswer',
      async sendRequest(request, next) {
        const response = await next(request);
        if (response.status >= 400 && new URL(request.url).pathname.endsWith('/oauth2/v2.0/token')) {
          try {
            last = readEntraAnswer(JSON.parse(response.bodyAsText ?? ''));
          } catch {
            // Not JSON (a proxy's error page): nothing of Entra's to quote.
          }
        }
        return response;
      },
    },
  };
  return { entry, last: () => last };
}

export async function checkPermissions({ entra, token, noToken, deps }: Context): Promise<Line[]> {
  if (!entra || !token) return [skipped('Permissions', noToken ?? SANDBOX)];
  const roles = tokenRoles(token);
  if (!roles) {
    return [{ mark: '!', text: 'The token is not a readable JWT; cannot tell which permissions are granted.' }];
  }
  const required: Line[] = requiredPermissions({ groups: deps.config.invitation.groupIds.length > 0 }).map(
    (permission) =>
      isGranted(permission, roles)
        ? { mark: '✓', text: `Permission ${permission.name} is granted.` }
        : {
            mark: '✗',
            text: `Permission ${permission.name} is missing: Guestlist needs it to ${permission.usedFor}.`,
            fix: grantFix(permission.name, entra, token),
          },
  );
  return [...required, deletingGuests(roles, entra, token)];
}

/**
 * How to grant a Graph application permission. An app registration has an "API permissions"
 * page; a managed identity has none, so the assignment is made with Microsoft Graph
 * PowerShell on its service principal (the token's `oid`).
 */
export function grantFix(permission: string, entra: EntraConfig, token: string | null): string {
  if (entra.credential.kind !== 'managed-identity') {
    return forApp(
      `Entra admin center → App registrations → <app> → API permissions → Add a permission → Microsoft Graph → ` +
        `Application permissions → ${permission} → Add; then "Grant admin consent for <your tenant>".`,
      entra,
    );
  }
  let principal = '<object id of the managed identity>';
  try {
    principal = String(decodeJwt(token ?? '').oid ?? principal);
  } catch {}
  return (
    `A managed identity has no API permissions page: grant it with Microsoft Graph PowerShell (README, "Managed identity"): ` +
    `Connect-MgGraph -Scopes AppRoleAssignment.ReadWrite.All; ` +
    `$graph = Get-MgServicePrincipal -Filter "appId eq '00000003-0000-0000-c000-000000000000'"; ` +
    `New-MgServicePrincipalAppRoleAssignment -ServicePrincipalId ${principal} -PrincipalId ${principal} ` +
    `-ResourceId $graph.Id -AppRoleId ($graph.AppRoles | Where-Object Value -eq '${permission}').Id`
  );
}

/** Optional: without it, a revoke that asks to delete the guest keeps the account (and says so). */
function deletingGuests(roles: readonly string[], entra: EntraConfig, token: string): Line {
  if (isGranted(DELETE_USERS, roles)) {
    return {
      mark: '✓',
      text: `Permission ${DELETE_USERS.name} is granted (optional): a revoke can delete the guest account a request invited.`,
    };
  }
  return {
    mark: 'skipped',
    text: `Deleting guest accounts on revoke — ${DELETE_USERS.name} is not granted (optional; a revoke still removes the groups and keeps the account).`,
    fix: `to ${DELETE_USERS.usedFor}: ${grantFix(DELETE_USERS.name, entra, token)}`,
  };
}

/** The application permissions an app-only token carries (its `roles` claim); null when it is not a readable JWT. */
export function tokenRoles(token: string): string[] | null {
  try {
    const claim = decodeJwt(token).roles;
    return Array.isArray(claim) ? claim.map(String) : [];
  } catch {
    return null;
  }
}

export function forApp(fix: string, entra: EntraConfig): string {
  const app = entra.clientId ? `your app (client id ${entra.clientId})` : 'the managed identity';
  return fix.replaceAll('<app>', app);
}
