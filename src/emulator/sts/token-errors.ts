// Entra token-endpoint errors, in the documented shape (v2-oauth2-client-creds-grant-flow.md,
// "Error response"; graph-examples.json `token_error`):
//   {error, error_description: "AADSTSnnnn: text\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …",
//    error_codes: [nnnn], timestamp, trace_id, correlation_id, error_uri}
// MSAL and @azure/identity surface `error_description`, so the AADSTS code must lead it.
import { randomUUID } from 'node:crypto';

export interface TokenErrorReply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export function tokenError(input: {
  status: number;
  error: string;
  code: number;
  description: string;
  now: Date;
  correlationId?: string | undefined;
  headers?: Record<string, string>;
}): TokenErrorReply {
  const traceId = randomUUID();
  const correlationId = input.correlationId ?? randomUUID();
  // "2016-01-09 02:02:12Z": the docs' timestamp format, not ISO 8601's "T".
  const timestamp = `${input.now.toISOString().slice(0, 19).replace('T', ' ')}Z`;
  return {
    status: input.status,
    ...(input.headers ? { headers: input.headers } : {}),
    body: {
      error: input.error,
      error_description: `AADSTS${input.code}: ${input.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [input.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${input.code}`,
    },
  };
}

/** The messages Entra returns for the client-credentials failures Guestlist can meet. */
export const AADSTS = {
  tenantNotFound: (tenant: string) => ({
    code: 90002,
    error: 'invalid_request',
    status: 400 as const,
    description: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  }),
  appNotFound: (clientId: string, tenantName: string) => ({
    code: 700016,
    error: 'unauthorized_client',
    status: 400 as const,
    description: `Application with identifier '${clientId}' was not found in the directory '${tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  wrongSecret: (clientId: string) => ({
    code: 7000215,
    error: 'invalid_client',
    status: 401 as const,
    description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  }),
  secretExpired: (clientId: string) => ({
    code: 7000222,
    error: 'invalid_client',
    status: 401 as const,
    description: `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
  }),
  badAssertion: (reason: string) => ({
    code: 700027,
    error: 'invalid_client',
    status: 401 as const,
    description: `Client assertion failed signature validation. [Reason - ${reason}]`,
  }),
  noCredential: () => ({
    code: 7000218,
    error: 'invalid_client',
    status: 401 as const,
    description: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  }),
  missingParameter: (name: string) => ({
    code: 900144,
    error: 'invalid_request',
    status: 400 as const,
    description: `The request body must contain the following parameter: '${name}'.`,
  }),
  invalidScope: (scope: string) => ({
    code: 70011,
    error: 'invalid_scope',
    status: 400 as const,
    description: `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  }),
  unsupportedGrant: (grant: string) => ({
    code: 70003,
    error: 'unsupported_grant_type',
    status: 400 as const,
    description: `The app requested an unsupported grant type '${grant}'.`,
  }),
};
