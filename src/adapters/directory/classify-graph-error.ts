// The one place where a failure talking to Entra ID becomes a DirectoryError, classified
// transient (the job runner retries, honouring Retry-After) or permanent (the request
// moves to `failed`, with Graph's code and request-id kept). ARCHITECTURE.md, "Errors".
//
// What arrives here:
//   - a GraphError with an HTTP status: Graph answered with an error body
//     (reference/microsoft-graph.md, "Errors": code, message, innerError.request-id);
//   - a GraphError with statusCode -1: the Graph client wraps anything thrown below it
//     (the credential, our fetch handler) keeping only its name (as `code`) and message
//     (GraphErrorHandler.constructError in microsoft-graph-client 3.0.7);
//   - the raw error itself (the race timeout in graph-directory.ts, `doctor`'s own getToken).
import { GraphError } from '@microsoft/microsoft-graph-client';
import { DirectoryError } from '../../domain/directory-error.ts';
import { explainAadsts } from './aadsts.ts';
import { NETWORK_ERROR_NAME, TIMEOUT_ERROR_NAME } from './fetch-handler.ts';

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
  return new DirectoryError({
    message: err.message || `Microsoft Graph answered HTTP ${status}.`,
    transient,
    graphCode: err.code ?? `http_${status}`,
    httpStatus: status,
    // The JS client only reads innerError.request-id; the response header carries it too.
    requestId: err.requestId ?? err.headers?.get('request-id') ?? null,
    retryAfterMs: transient ? parseRetryAfter(err.headers?.get('retry-after') ?? null) : null,
    cause: err,
  });
}

/**
 * A token request refused by Entra ID carries an AADSTS number: in the AuthenticationError's
 * `errorResponse.errorCodes`, in MSAL's ServerError `errorNo` (the `cause` of identity's
 * AuthenticationRequiredError), and always in the message text, which is all that is left
 * once the Graph client has wrapped it. The message we build is ours, never the raw one,
 * so no credential material can ride along.
 */
function fromCredentialError(err: unknown, message: string): DirectoryError {
  const code = aadstsCode(err, message);
  const status = tokenStatus(err);
  if (!code) {
    // No verdict from Entra: the token endpoint was unreachable or failing.
    const transient = status === null || status === 429 || status >= 500;
    return new DirectoryError({
      message: `Could not get a token from Entra ID: ${firstLine(message)}`,
      transient,
      graphCode: transient ? 'token_unavailable' : 'credential',
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
    cause: err,
  });
}

function aadstsCode(err: unknown, message: string): string | null {
  const response = (err as { errorResponse?: { errorCodes?: unknown[] } }).errorResponse;
  const fromResponse = response?.errorCodes?.[0];
  if (fromResponse !== undefined) return String(fromResponse);
  const errorNo = (err as { cause?: { errorNo?: unknown } }).cause?.errorNo;
  if (typeof errorNo === 'string' && errorNo) return errorNo;
  return /AADSTS(\d+)/.exec(message)?.[1] ?? null;
}

function tokenStatus(err: unknown): number | null {
  const e = err as { statusCode?: unknown; cause?: { status?: unknown } };
  if (typeof e.statusCode === 'number' && e.statusCode > 0) return e.statusCode;
  if (typeof e.cause?.status === 'number') return e.cause.status;
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
