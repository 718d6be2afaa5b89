// The one place where a failure talking to Entra ID becomes a DirectoryError, classified
// transient (the job runner retries, honouring Retry-After) or permanent (the request
// moves to `failed`, with Graph's code and request-id kept), and scoped to the request or
// to the whole tenant (provisioning pauses; tenant-faults.ts). ARCHITECTURE.md, "Errors".
//
// What arrives here:
//   - a GraphError with an HTTP status: Graph answered with an error body
//     (reference/microsoft-graph.md, "Errors": code, message, innerError.request-id);
//   - a GraphError with statusCode -1: the Graph client wraps anything thrown below it
//     (the credential, our fetch handler) keeping only its name (as `code`) and message
//     (GraphErrorHandler.constructError in microsoft-graph-client 3.0.7);
//   - the raw error itself (the race timeout and the token request in graph-client.ts,
//     `doctor`'s own getToken).
import { GraphError } from '@microsoft/microsoft-graph-client';
import { DirectoryError } from '../../domain/directory-error.ts';
import { explainAadsts } from './aadsts.ts';
import { NETWORK_ERROR_NAME, TIMEOUT_ERROR_NAME } from './fetch-handler.ts';
import { tenantFaultFix } from './tenant-faults.ts';

const CREDENTIAL_ERRORS = new Set([
  'AuthenticationError',
  'AuthenticationRequiredError',
  'CredentialUnavailableError',
  'AggregateAuthenticationError',
]);

export function classifyGraphError(err: unknown): DirectoryError {
  if (err instanceof DirectoryError) return err;
  if (err instanceof GraphError && err.statusCode > 0) return fromGraphResponse(err);
  const name = err instanceof GraphError ? (err.code ?? 'Error') : err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  if (CREDENTIAL_ERRORS.has(name)) return fromCredentialError(err, message);
  if (name === TIMEOUT_ERROR_NAME || name === 'AbortError') {
    return new DirectoryError({ message, transient: true, graphCode: 'timeout', cause: err });
  }
  if (name === NETWORK_ERROR_NAME || (name === 'TypeError' && message === 'fetch failed')) {
    return new DirectoryError({ message, transient: true, graphCode: 'network', cause: err });
  }
  // A bug or a misuse of the SDK (GraphClientError, a TypeError…): retrying will not help.
  return new DirectoryError({
    message: `Unexpected error: ${message}`,
    transient: false,
    graphCode: 'unexpected',
    cause: err,
  });
}

function fromGraphResponse(err: GraphError): DirectoryError {
  const status = err.statusCode;
  // Throttling and server trouble pass; a 4xx is about this request and will repeat
  // (learn.microsoft.com/graph/errors, /graph/throttling).
  const transient = status === 429 || status >= 500;
  const message = err.message || `Microsoft Graph answered HTTP ${status}.`;
  const fix = tenantFaultFix(status, err.code, message);
  return new DirectoryError({
    message,
    transient,
    graphCode: err.code ?? `http_${status}`,
    scope: fix ? 'tenant' : 'request',
    fix,
    httpStatus: status,
    // The JS client only reads innerError.request-id; the response header carries it too.
    requestId: err.requestId ?? err.headers?.get('request-id') ?? null,
    retryAfterMs: transient ? parseRetryAfter(err.headers?.get('retry-after') ?? null) : null,
    throttleScope: status === 429 ? (err.headers?.get('x-ms-throttle-scope') ?? null) : null,
    cause: err,
  });
}

// Token failures that pass (reference/microsoft-graph.md, "Tokens"; entra-docs
// reference-error-codes.md): decided by the OAuth `error` field and the HTTP status first,
// because the AADSTS number alone does not say it — Entra attaches one to every answer.
// `temporarily_unavailable` and `server_error` are OAuth's "try again" answers (RFC 6749
// §4.1.2.1); AADSTS90024 RequestBudgetExceeded and AADSTS90033 MsodsServiceUnavailable
// are Entra's own. A 429 or 5xx from the token endpoint is the service, not us.
const TRANSIENT_OAUTH_ERRORS = new Set(['temporarily_unavailable', 'server_error']);
const TRANSIENT_AADSTS = new Set(['90024', '90033']);

const CREDENTIAL_FIX =
  'Check AZURE_TENANT_ID, AZURE_CLIENT_ID and the client secret or certificate; `guestlist doctor` says what is wrong.';

/**
 * A token request refused by Entra ID. Where the fields are:
 *   - identity's AuthenticationError: `statusCode`, `errorResponse.{error, errorCodes}`;
 *   - MSAL's ServerError (the `cause` of identity's AuthenticationRequiredError, which is
 *     what the client-credential flows throw): `errorCode` is the OAuth `error`, `errorNo`
 *     the first AADSTS number, `status` the HTTP status;
 *   - the message text only, once the Graph client has wrapped it: MSAL writes it as
 *     "<error>: Error(s): <codes> … AADSTS<code>: …".
 * A refusal that will not pass is the tenant's fault: no request gets a token until an
 * administrator acts. The message we build is ours, never the raw one, so no credential
 * material can ride along.
 */
function fromCredentialError(err: unknown, message: string): DirectoryError {
  const code = aadstsCode(err, message);
  const oauthError = oauthErrorOf(err, message);
  const status = tokenStatus(err);
  const serviceTrouble =
    status === 429 ||
    (status !== null && status >= 500) ||
    (oauthError !== null && TRANSIENT_OAUTH_ERRORS.has(oauthError)) ||
    (code !== null && TRANSIENT_AADSTS.has(code));
  if (!code) {
    // No verdict from Entra: the token endpoint was unreachable or failing.
    const transient = serviceTrouble || status === null;
    return new DirectoryError({
      message: `Could not get a token from Entra ID: ${firstLine(message)}`,
      transient,
      graphCode: transient ? 'token_unavailable' : 'credential',
      httpStatus: status,
      ...(transient ? {} : { scope: 'tenant', fix: CREDENTIAL_FIX }),
      cause: err,
    });
  }
  if (serviceTrouble) {
    return new DirectoryError({
      message: `Entra ID could not issue a token just now (AADSTS${code}${oauthError ? `, ${oauthError}` : ''}).`,
      transient: true,
      graphCode: `AADSTS${code}`,
      httpStatus: status,
      cause: err,
    });
  }
  const explained = explainAadsts(code);
  return new DirectoryError({
    message: `Entra ID refused the app's credentials (AADSTS${code}): ${explained?.problem ?? 'see the AADSTS code.'}`,
    transient: false,
    graphCode: `AADSTS${code}`,
    httpStatus: status,
    scope: 'tenant',
    fix: explained?.fix ?? CREDENTIAL_FIX,
    cause: err,
  });
}

function aadstsCode(err: unknown, message: string): string | null {
  const response = (err as { errorResponse?: { errorCodes?: unknown[] } }).errorResponse;
  const fromResponse = response?.errorCodes?.[0];
  if (fromResponse !== undefined) return String(fromResponse);
  const errorNo = (err as { cause?: { errorNo?: unknown } }).cause?.errorNo ?? (err as { errorNo?: unknown }).errorNo;
  if ((typeof errorNo === 'string' || typeof errorNo === 'number') && errorNo !== '') return String(errorNo);
  return /AADSTS(\d+)/.exec(message)?.[1] ?? null;
}

/** The OAuth `error` field (RFC 6749 §5.2), e.g. `invalid_client`, or null. */
function oauthErrorOf(err: unknown, message: string): string | null {
  const e = err as { errorResponse?: { error?: unknown }; cause?: { errorCode?: unknown }; errorCode?: unknown };
  for (const value of [e.errorResponse?.error, e.cause?.errorCode, e.errorCode]) {
    if (typeof value === 'string' && /^[a-z_]+$/.test(value)) return value;
  }
  // MSAL's AuthError message starts with its errorCode, which survives the Graph client.
  return /^([a-z_]+): /.exec(message)?.[1] ?? null;
}

function tokenStatus(err: unknown): number | null {
  const e = err as { statusCode?: unknown; status?: unknown; cause?: { status?: unknown } };
  for (const value of [e.statusCode, e.cause?.status, e.status]) {
    if (typeof value === 'number' && value > 0) return value;
  }
  return null;
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
