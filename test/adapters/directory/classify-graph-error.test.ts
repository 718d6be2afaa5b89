import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthenticationError, AuthenticationRequiredError, CredentialUnavailableError } from '@azure/identity';
import { ServerError } from '@azure/msal-node';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { classifyGraphError, parseRetryAfter } from '../../../src/adapters/directory/classify-graph-error.ts';
import { timeoutError } from '../../../src/adapters/directory/fetch-handler.ts';
import { DirectoryError } from '../../../src/domain/directory-error.ts';

function graphError(status: number, code: string | null, headers: Record<string, string> = {}): GraphError {
  const err = new GraphError(status, `${code} happened`);
  err.code = code;
  err.requestId = code ? 'req-123' : null;
  err.headers = new Headers(headers);
  return err;
}

test('429 and 5xx are transient, keeping code, status, request-id and Retry-After', () => {
  const throttled = classifyGraphError(graphError(429, 'TooManyRequests', { 'retry-after': '7' }));
  assert.equal(throttled.transient, true);
  assert.equal(throttled.graphCode, 'TooManyRequests');
  assert.equal(throttled.httpStatus, 429);
  assert.equal(throttled.requestId, 'req-123');
  assert.equal(throttled.retryAfterMs, 7000);
  for (const status of [500, 502, 503, 504]) {
    assert.equal(classifyGraphError(graphError(status, 'serviceNotAvailable')).transient, true, `HTTP ${status}`);
  }
});

test('other 4xx are permanent', () => {
  for (const [status, code] of [
    [400, 'Request_BadRequest'],
    [403, 'Authorization_RequestDenied'],
    [404, 'Request_ResourceNotFound'],
  ] as const) {
    const err = classifyGraphError(graphError(status, code));
    assert.equal(err.transient, false);
    assert.equal(err.graphCode, code);
    assert.equal(err.httpStatus, status);
    assert.equal(err.retryAfterMs, null);
  }
});

test('the request-id header is used when the body had no innerError', () => {
  const err = classifyGraphError(graphError(503, null, { 'request-id': 'from-header' }));
  assert.equal(err.requestId, 'from-header');
  assert.equal(err.graphCode, 'http_503');
});

test('timeouts and network failures are transient, raw or wrapped by the Graph client', () => {
  const raw = classifyGraphError(timeoutError(30_000));
  assert.deepEqual([raw.transient, raw.graphCode], [true, 'timeout']);
  const wrapped = new GraphError(-1, 'Could not reach https://x: ECONNREFUSED');
  wrapped.code = 'NetworkError';
  assert.deepEqual([classifyGraphError(wrapped).transient, classifyGraphError(wrapped).graphCode], [true, 'network']);
  const fetchFailed = classifyGraphError(new TypeError('fetch failed'));
  assert.deepEqual([fetchFailed.transient, fetchFailed.graphCode], [true, 'network']);
});

test('a refused credential is permanent with its AADSTS code and a plain message', () => {
  const body = {
    error: 'invalid_client',
    error_description: 'AADSTS7000215: Invalid client secret provided.',
    error_codes: [7000215],
  };
  const err = classifyGraphError(new AuthenticationError(401, body));
  assert.equal(err.transient, false);
  assert.equal(err.scope, 'tenant');
  assert.equal(err.graphCode, 'AADSTS7000215');
  assert.equal(err.httpStatus, 401);
  assert.match(err.message, /client secret is wrong/);
  // Wrapped by the Graph client: only name and message survive.
  const wrapped = new GraphError(-1, 'invalid_client: AADSTS700016: Application not found');
  wrapped.code = 'AuthenticationRequiredError';
  assert.equal(classifyGraphError(wrapped).graphCode, 'AADSTS700016');
  assert.equal(classifyGraphError(wrapped).transient, false);
});

/** What @azure/identity throws for a refused client-credentials token: MSAL's ServerError inside. */
function tokenRefusal(input: { error: string; code: number | null; status: number | undefined }) {
  const codes = input.code === null ? 'N/A' : String(input.code);
  const description = input.code === null ? 'Service busy' : `AADSTS${input.code}: Something.`;
  const cause = new ServerError(
    input.error,
    'corr-1',
    `Error(s): ${codes} - Timestamp: 2026-11-28 - Description: ${description}`,
    undefined,
    input.code === null ? undefined : String(input.code),
    input.status,
  );
  return new AuthenticationRequiredError({ scopes: ['x/.default'], message: cause.message, cause });
}

test('token errors that pass are transient by OAuth error, HTTP status or AADSTS 90024/90033', () => {
  for (const [input, why] of [
    [{ error: 'temporarily_unavailable', code: 50000, status: 400 }, 'OAuth error temporarily_unavailable'],
    [{ error: 'invalid_request', code: 90024, status: 400 }, 'AADSTS90024 RequestBudgetExceeded'],
    [{ error: 'invalid_request', code: 90033, status: 400 }, 'AADSTS90033 MsodsServiceUnavailable'],
    [{ error: 'invalid_client', code: 7000215, status: 503 }, 'HTTP 503'],
    [{ error: 'invalid_request', code: 50000, status: 429 }, 'HTTP 429'],
    [{ error: 'server_error', code: null, status: undefined }, 'no AADSTS code'],
  ] as const) {
    const err = classifyGraphError(tokenRefusal(input));
    assert.equal(err.transient, true, why);
    assert.equal(err.scope, 'request', why);
  }
  // Wrapped by the Graph client, only the message is left: its leading OAuth error still counts.
  const wrapped = new GraphError(-1, 'temporarily_unavailable: Error(s): 50000 - Description: AADSTS50000: busy');
  wrapped.code = 'AuthenticationRequiredError';
  assert.equal(classifyGraphError(wrapped).transient, true);
});

test('a refused token is a tenant fault with the fix for an admin: expired, wrong, unknown app', () => {
  for (const [code, fix] of [
    [7000222, /New client secret/],
    [7000215, /AZURE_CLIENT_SECRET/],
    [700016, /AZURE_CLIENT_ID/],
  ] as const) {
    const err = classifyGraphError(tokenRefusal({ error: 'invalid_client', code, status: 401 }));
    assert.deepEqual([err.transient, err.scope, err.graphCode], [false, 'tenant', `AADSTS${code}`]);
    assert.match(err.fix ?? '', fix);
    assert.equal(err.httpStatus, 401);
  }
});

test('Graph 403s: a missing permission and blocked invitations are the tenant; other 403s the request', () => {
  const denied = classifyGraphError(graphError(403, 'Authorization_RequestDenied'));
  assert.deepEqual([denied.transient, denied.scope], [false, 'tenant']);
  assert.match(denied.fix ?? '', /admin consent/);
  const blocked = new GraphError(403, 'Invitations are blocked for this directory due to suspicious activity.');
  blocked.code = 'Forbidden';
  assert.equal(classifyGraphError(blocked).scope, 'tenant');
  assert.match(classifyGraphError(blocked).fix ?? '', /External collaboration settings/);
  for (const [status, code, message] of [
    [403, 'Forbidden', 'This invitation is blocked by cross-tenant access settings.'],
    [403, 'Forbidden', 'The domain of the invited user is blocked.'],
    [400, 'Request_BadRequest', 'Invitations are blocked for this directory'],
  ] as const) {
    const err = new GraphError(status, message);
    err.code = code;
    assert.deepEqual([classifyGraphError(err).scope, classifyGraphError(err).fix], ['request', null], message);
  }
});

test('an unreachable token endpoint is transient', () => {
  const err = classifyGraphError(new CredentialUnavailableError('endpoints_resolution_error: could not resolve'));
  assert.equal(err.transient, true);
  assert.equal(err.graphCode, 'token_unavailable');
});

test('a DirectoryError passes through; anything else is permanent "unexpected"', () => {
  const known = new DirectoryError({ message: 'x', transient: true, graphCode: 'timeout' });
  assert.equal(classifyGraphError(known), known);
  const bug = classifyGraphError(new RangeError('oops'));
  assert.deepEqual([bug.transient, bug.graphCode], [false, 'unexpected']);
});

test('Retry-After in seconds or as an HTTP date', () => {
  assert.equal(parseRetryAfter('0'), 0);
  assert.equal(parseRetryAfter('120'), 120_000);
  const now = Date.parse('2025-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('soon'), null);
  assert.equal(parseRetryAfter(null), null);
});
