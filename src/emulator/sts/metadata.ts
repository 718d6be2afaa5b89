// OpenID discovery and signing keys, as MSAL reads them before its first token request.
// MSAL requires authorization_endpoint, token_endpoint, issuer and jwks_uri
// (msal-common isOpenIdConfigResponse) and rejects an issuer whose scheme and host:port
// differ from the authority's (msal-common Authority.validateIssuer), so every URL here is
// on the emulator's own origin. `/common` and `/organizations` keep the `{tenantid}`
// placeholder in the issuer, as Entra's multi-tenant documents do.
import type { EmulatorState } from '../state.ts';
import type { SigningKey } from './access-token.ts';

export type TenantSegment = { kind: 'tenant' } | { kind: 'multi'; name: string } | { kind: 'unknown' };

export function classifyTenant(state: EmulatorState, segment: string): TenantSegment {
  const lower = segment.toLowerCase();
  if (lower === state.tenantId.toLowerCase() || lower === state.tenantDomain) return { kind: 'tenant' };
  if (lower === 'common' || lower === 'organizations') return { kind: 'multi', name: lower };
  return { kind: 'unknown' };
}

export function openIdConfiguration(origin: string, state: EmulatorState, segment: TenantSegment): unknown {
  const pathTenant = segment.kind === 'multi' ? segment.name : state.tenantId;
  const issuerTenant = segment.kind === 'multi' ? '{tenantid}' : state.tenantId;
  const base = `${origin}/${pathTenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${origin}/${issuerTenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${origin}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    // Entra's list, plus the claims the emulator's ID tokens carry (sign-in/id-token.ts).
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'nbf',
      'nonce',
      'preferred_username',
      'name',
      'email',
      'tid',
      'oid',
      'ver',
      'roles',
      'acct',
    ],
    // Entra's document does not list this; the emulator does because it only takes S256.
    code_challenge_methods_supported: ['S256'],
    tenant_region_scope: 'EU',
    cloud_instance_name: new URL(origin).host,
  };
}

export function jwks(key: SigningKey): unknown {
  return { keys: [{ ...key.publicJwk, x5t: key.kid }] };
}

/**
 * Instance discovery (`/common/discovery/instance`). MSAL skips it with
 * `disableInstanceDiscovery: true`; answered anyway so a client that asks is not stuck.
 */
export function instanceDiscovery(origin: string, state: EmulatorState): unknown {
  const host = new URL(origin).host;
  return {
    tenant_discovery_endpoint: `${origin}/${state.tenantId}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}
