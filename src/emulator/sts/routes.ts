// The token side of the emulator: the login.microsoftonline.com paths MSAL calls for the
// client-credentials flow, served on the emulator's origin (authorityHost = emulator url).

import { answerSignIn, authorize } from '../sign-in/authorize.ts';
import { logout } from '../sign-in/logout.ts';
import type { EmulatorState } from '../state.ts';
import type { SigningKey } from './access-token.ts';
import { classifyTenant, instanceDiscovery, jwks, openIdConfiguration } from './metadata.ts';
import { handleTokenRequest } from './token-endpoint.ts';
import { AADSTS, tokenError } from './token-errors.ts';

export interface StsRequest {
  method: string;
  segments: string[];
  body: string;
  query: URLSearchParams;
  /** The Authorization header (client_secret_basic). */
  authorization: string | undefined;
  correlationId: string | undefined;
  /** Origin the client called: discovery documents must name it (MSAL issuer check). */
  origin: string;
}

export interface StsReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export async function handleSts(
  request: StsRequest,
  deps: { state: EmulatorState; key: SigningKey; url: string },
): Promise<StsReply> {
  const { state } = deps;
  const [tenant = '', ...rest] = request.segments;
  const route = `${request.method} ${rest.join('/').toLowerCase()}`;
  const segment = classifyTenant(state, tenant);

  if (route === 'GET discovery/instance') return { status: 200, body: instanceDiscovery(request.origin, state) };
  if (route === 'GET v2.0/.well-known/openid-configuration' || route === 'GET .well-known/openid-configuration') {
    if (segment.kind === 'unknown') {
      return tokenError({ ...AADSTS.tenantNotFound(tenant), error: 'invalid_tenant', now: state.clock() });
    }
    return { status: 200, body: openIdConfiguration(request.origin, state, segment) };
  }
  if (route === 'GET discovery/v2.0/keys') {
    if (segment.kind === 'unknown') {
      return tokenError({ ...AADSTS.tenantNotFound(tenant), error: 'invalid_tenant', now: state.clock() });
    }
    return { status: 200, body: jwks(deps.key) };
  }
  if (route === 'POST oauth2/v2.0/token') {
    return handleTokenRequest({
      state,
      key: deps.key,
      origins: [...new Set([request.origin, deps.url])],
      tenantSegment: tenant,
      form: new URLSearchParams(request.body),
      authorization: request.authorization,
      origin: request.origin,
      correlationId: request.correlationId,
    });
  }
  // Staff sign-in (sign-in/): the browser-facing pages answer HTML and redirects.
  if (route === 'GET oauth2/v2.0/authorize') return authorize(state, tenant, request.query);
  if (route === 'POST login') return answerSignIn(state, tenant, new URLSearchParams(request.body));
  if (route === 'GET oauth2/v2.0/logout') return logout(state, tenant, request.query);
  return {
    status: 404,
    body: { error: 'not_found', error_description: `No endpoint at /${request.segments.join('/')}` },
  };
}
