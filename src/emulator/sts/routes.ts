// The token side of the emulator: the login.microsoftonline.com paths MSAL calls for the
// client-credentials flow, served on the emulator's origin (authorityHost = emulator url).
import type { EmulatorState } from '../state.ts';
import type { SigningKey } from './access-token.ts';
import { classifyTenant, instanceDiscovery, jwks, openIdConfiguration } from './metadata.ts';
import { handleTokenRequest } from './token-endpoint.ts';
import { AADSTS, tokenError } from './token-errors.ts';

export interface StsRequest {
  method: string;
  segments: string[];
  body: string;
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
      correlationId: request.correlationId,
    });
  }
  return {
    status: 404,
    body: { error: 'not_found', error_description: `No endpoint at /${request.segments.join('/')}` },
  };
}
