// POST /{tenant}/oauth2/v2.0/token: the client-credentials grant
// (identity-platform/v2-oauth2-client-creds-grant-flow.md) and the authorization_code
// grant of staff sign-in (sign-in/code-grant.ts). Checks run in Entra's order: tenant,
// parameters, grant, app, credential, then the grant's own. Unknown form fields are
// ignored because MSAL adds its own (x-client-SKU, x-client-VER, client_info, …).

import { redeemCode } from '../sign-in/code-grant.ts';
import type { EmulatorState } from '../state.ts';
import { issueAccessToken, type SigningKey, TOKEN_LIFETIME_SECONDS } from './access-token.ts';
import { authenticateClient, basicCredentials } from './client-auth.ts';
import { classifyTenant } from './metadata.ts';
import { AADSTS, type TokenErrorReply, tokenError } from './token-errors.ts';
import { refusalFailure } from './token-faults.ts';

const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';

export async function handleTokenRequest(input: {
  state: EmulatorState;
  key: SigningKey;
  /** The origins the client may know the emulator by (request Host, configured url). */
  origins: string[];
  tenantSegment: string;
  form: URLSearchParams;
  /** The Authorization header, for client_secret_basic. */
  authorization: string | undefined;
  /** The origin this request came to: ID tokens are issued on it. */
  origin: string;
  correlationId: string | undefined;
}): Promise<TokenErrorReply> {
  const { state, form } = input;
  const now = state.clock();
  const fail = (e: { code: number; error: string; status: number; description: string }) =>
    tokenError({ ...e, now, correlationId: input.correlationId });

  // A multi-tenant alias cannot issue an app-only token; Entra wants the tenant itself.
  if (classifyTenant(state, input.tenantSegment).kind !== 'tenant')
    return fail(AADSTS.tenantNotFound(input.tenantSegment));
  // Injected failures (token-faults.ts): a refusal set by the test, else a seeded transient one.
  const injected = state.tokenFaults.refusal ? refusalFailure(state.tokenFaults.refusal) : state.tokenFaults.inject();
  if (injected) return tokenError({ ...injected, now, correlationId: input.correlationId });
  const basic = basicCredentials(input.authorization);
  const clientId = basic?.clientId ?? form.get('client_id');
  if (!clientId) return fail(AADSTS.missingParameter('client_id'));
  const grantType = form.get('grant_type');
  if (!grantType) return fail(AADSTS.missingParameter('grant_type'));
  if (grantType !== 'client_credentials' && grantType !== 'authorization_code') {
    return fail(AADSTS.unsupportedGrant(grantType));
  }
  const app = state.apps.get(clientId);
  if (!app) return fail(AADSTS.appNotFound(clientId, state.tenantName));
  const refused = await authenticateClient({
    state,
    app,
    form,
    basicSecret: basic?.secret ?? null,
    audiences: tokenEndpointAliases(input.origins, state),
  });
  if (refused) return fail(refused);

  if (grantType === 'authorization_code') {
    const result = await redeemCode({ state, key: input.key, clientId, form, origin: input.origin });
    return result.ok ? { status: 200, body: result.body } : fail(result.failure);
  }
  const scope = form.get('scope');
  if (!scope) return fail(AADSTS.missingParameter('scope'));
  if (scope.trim() !== GRAPH_DEFAULT_SCOPE) return fail(AADSTS.invalidScope(scope));

  const accessToken = await issueAccessToken(
    input.key,
    { tid: state.tenantId, appid: app.clientId, oid: app.servicePrincipalId, roles: app.roles },
    now,
  );
  return {
    status: 200,
    body: {
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
      ext_expires_in: TOKEN_LIFETIME_SECONDS,
      access_token: accessToken,
    },
  };
}

/** The token endpoint under every name of the tenant: an assertion may address any of them. */
function tokenEndpointAliases(origins: string[], state: EmulatorState): string[] {
  return origins.flatMap((origin) =>
    [state.tenantId, state.tenantDomain].map((tenant) => `${origin}/${tenant}/oauth2/v2.0/token`),
  );
}
