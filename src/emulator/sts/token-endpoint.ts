// POST /{tenant}/oauth2/v2.0/token, client-credentials grant only
// (identity-platform/v2-oauth2-client-creds-grant-flow.md). Checks run in Entra's order:
// tenant, parameters, grant, app, credential, scope. Unknown form fields are ignored
// because MSAL adds its own (x-client-SKU, x-client-VER, client_info, …).
import type { EmulatorState } from '../state.ts';
import { issueAccessToken, type SigningKey, TOKEN_LIFETIME_SECONDS } from './access-token.ts';
import { checkClientAssertion } from './client-assertion.ts';
import { classifyTenant } from './metadata.ts';
import { AADSTS, type TokenErrorReply, tokenError } from './token-errors.ts';
import { refusalFailure } from './token-faults.ts';

const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export async function handleTokenRequest(input: {
  state: EmulatorState;
  key: SigningKey;
  /** The origins the client may know the emulator by (request Host, configured url). */
  origins: string[];
  tenantSegment: string;
  form: URLSearchParams;
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
  const clientId = form.get('client_id');
  if (!clientId) return fail(AADSTS.missingParameter('client_id'));
  const grantType = form.get('grant_type');
  if (!grantType) return fail(AADSTS.missingParameter('grant_type'));
  if (grantType !== 'client_credentials') return fail(AADSTS.unsupportedGrant(grantType));
  const app = state.apps.get(clientId);
  if (!app) return fail(AADSTS.appNotFound(clientId, state.tenantName));

  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (secret !== null) {
    if (app.clientSecret === null || secret !== app.clientSecret) return fail(AADSTS.wrongSecret(clientId));
    if (app.secretExpired) return fail(AADSTS.secretExpired(clientId));
  } else if (assertion !== null) {
    if (form.get('client_assertion_type') !== JWT_BEARER) return fail(AADSTS.missingParameter('client_assertion_type'));
    if (app.certificatePem === null)
      return fail(AADSTS.badAssertion('No certificate is registered on the application.'));
    const reason = await checkClientAssertion(assertion, {
      certificatePem: app.certificatePem,
      clientId,
      audiences: tokenEndpointAliases(input.origins, state),
      now,
    });
    if (reason !== null) return fail(AADSTS.badAssertion(reason));
  } else {
    return fail(AADSTS.noCredential());
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
