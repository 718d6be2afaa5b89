// An AADSTS code doctor has no words for: it quotes Entra's own answer (the first line of
// error_description, error_uri, the trace and correlation ids). The emulator only refuses
// with codes doctor knows, so a tiny https token endpoint plays Entra here.
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type TestContext, test } from 'node:test';
import { describeEntraAnswer, readEntraAnswer } from '../../src/adapters/directory/aadsts.ts';
import type { EntraConfig } from '../../src/config.ts';
import { configFor, doctor, failures } from './doctor-fixtures.ts';
import { testCa } from './tls-fixtures.ts';

const TENANT = 'b5c1e3a0-7d4f-4e2a-9c61-0f8e2d3a4b5c';
const CLIENT = '6aa93996-b4b2-4e2e-a0f8-6885d919b178';
const SECRET = 'the-secret-value-never-printed';
const TRACE = '287b9a3c-1f0f-42a4-960a-3ab9fbe24096';
const CORRELATION = '81abc46a-9f3a-472d-b22f-587e125d0c3e';

// What Entra answers for a disabled app (AADSTS7000112), in the documented shape.
const DISABLED_APP = {
  error: 'unauthorized_client',
  error_description:
    `AADSTS7000112: Application '${CLIENT}'(Guestlist) is disabled.\r\nTrace ID: ${TRACE}\r\n` +
    `Correlation ID: ${CORRELATION}\r\nTimestamp: 2026-11-28 15:46:57Z`,
  error_codes: [7000112],
  timestamp: '2026-11-28 15:46:57Z',
  trace_id: TRACE,
  correlation_id: CORRELATION,
  error_uri: 'https://login.microsoftonline.com/error?code=7000112',
};

/** An https authority that refuses tokens with `refusal.token`, or discovery with `refusal.discovery`. */
async function refusingAuthority(
  t: TestContext,
  refusal: { token?: object; discovery?: object },
): Promise<{ url: string; caPem: string }> {
  const ca = await testCa();
  const server = createServer(await ca.leaf('localhost'), (request, response) => {
    const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const path = new URL(request.url ?? '/', origin).pathname;
    const reply = (status: number, body: object) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    request.resume();
    if (request.method === 'GET' && path === `/${TENANT}/v2.0/.well-known/openid-configuration`) {
      if (refusal.discovery) return reply(400, refusal.discovery);
      reply(200, {
        issuer: `${origin}/${TENANT}/v2.0`,
        authorization_endpoint: `${origin}/${TENANT}/oauth2/v2.0/authorize`,
        token_endpoint: `${origin}/${TENANT}/oauth2/v2.0/token`,
        jwks_uri: `${origin}/${TENANT}/discovery/v2.0/keys`,
      });
    } else if (request.method === 'POST' && path === `/${TENANT}/oauth2/v2.0/token`) {
      reply(401, refusal.token ?? {});
    } else {
      reply(404, { error: 'not_found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, caPem: ca.caPem };
}

function entraAt(url: string): EntraConfig {
  return {
    tenantId: TENANT,
    clientId: CLIENT,
    signInClientId: CLIENT,
    credential: { kind: 'secret', secret: SECRET },
    authorityHost: url,
    graphUrl: url,
  };
}

test("an AADSTS code doctor does not know prints Entra's description, error_uri and ids", async (t) => {
  const authority = await refusingAuthority(t, { token: DISABLED_APP });
  const { code, output } = await doctor(configFor(entraAt(authority.url)), { ca: authority.caPem });
  assert.equal(code, 1);
  assert.deepEqual(
    failures(output),
    [
      `✗ No token: Entra ID answered unauthorized_client: AADSTS7000112: Application '${CLIENT}'(Guestlist) is disabled.`,
    ],
    output,
  );
  assert.match(
    output,
    new RegExp(
      `→ See https://login\\.microsoftonline\\.com/error\\?code=7000112\\. If it persists, give Microsoft support ` +
        `the trace id ${TRACE} and correlation id ${CORRELATION}\\.`,
    ),
  );
  assert.doesNotMatch(output, /Trace ID:|Timestamp:/, 'only the first line of the description');
  assert.ok(!output.includes(SECRET));
});

test("an unknown code in the authority's discovery answer is quoted too (MSAL hides it)", async (t) => {
  const authority = await refusingAuthority(t, {
    discovery: {
      error: 'invalid_tenant',
      error_description: `AADSTS90072: User account from identity provider does not exist in tenant.\r\nTrace ID: ${TRACE}`,
      error_codes: [90072],
      trace_id: TRACE,
      error_uri: 'https://login.microsoftonline.com/error?code=90072',
    },
  });
  const { code, output } = await doctor(configFor(entraAt(authority.url)), { ca: authority.caPem });
  assert.equal(code, 1);
  assert.match(output, /✗ No token: Entra ID answered invalid_tenant: AADSTS90072: User account .* in tenant\.\n/);
  assert.match(output, /→ See https:\/\/login\.microsoftonline\.com\/error\?code=90072\./);
});

test('readEntraAnswer takes the first line of error_description; without error_uri the fix names the reference', () => {
  const answer = readEntraAnswer({
    error: 'invalid_request',
    error_description:
      'AADSTS900023: Specified tenant identifier is neither a valid DirectoryId nor a valid domain.\r\nTrace ID: x',
    error_codes: [900023],
  });
  assert.deepEqual(answer, {
    error: 'invalid_request',
    code: 'AADSTS900023',
    description: 'AADSTS900023: Specified tenant identifier is neither a valid DirectoryId nor a valid domain.',
    uri: null,
    traceId: null,
    correlationId: null,
  });
  assert.deepEqual(describeEntraAnswer(answer!), {
    problem:
      'Entra ID answered invalid_request: AADSTS900023: Specified tenant identifier is neither a valid DirectoryId nor a valid domain.',
    fix: 'See https://learn.microsoft.com/entra/identity-platform/reference-error-codes for AADSTS900023.',
  });
  assert.equal(readEntraAnswer('<html>proxy error</html>'), null);
  assert.equal(readEntraAnswer({ value: [] }), null);
});
