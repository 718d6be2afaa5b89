import assert from 'node:assert/strict';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { decodeJwt, decodeProtectedHeader, importPKCS8, SignJWT } from 'jose';
import { generate } from 'selfsigned';
import examples from './fixtures/graph-examples.json' with { type: 'json' };
import { ALL_ROLES, call, emulatorFor, keysOf } from './helpers.ts';

const SCOPE = 'https://graph.microsoft.com/.default';

test('discovery documents name the emulator origin and its signing key', async (t) => {
  const emulator = await emulatorFor(t);
  const config = await call(emulator, { path: `/${emulator.tenantId}/v2.0/.well-known/openid-configuration` });
  assert.equal(config.status, 200);
  assert.equal(config.json.issuer, `${emulator.url}/${emulator.tenantId}/v2.0`);
  assert.equal(config.json.token_endpoint, `${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token`);
  assert.ok(config.json.authorization_endpoint.startsWith(emulator.url));

  const keys = await call(emulator, { path: new URL(config.json.jwks_uri).pathname });
  assert.equal(keys.json.keys.length, 1);
  assert.equal(keys.json.keys[0].kty, 'RSA');

  const common = await call(emulator, { path: '/common/v2.0/.well-known/openid-configuration' });
  assert.equal(common.json.issuer, `${emulator.url}/{tenantid}/v2.0`);

  const unknown = await call(emulator, { path: '/not-a-tenant/v2.0/.well-known/openid-configuration' });
  assert.equal(unknown.status, 400);
  assert.deepEqual(unknown.json.error_codes, [90002]);
  assert.equal(await readFile(emulator.caPath, 'utf8'), emulator.caPem);
});

test('a client secret gets a Graph token carrying the app roles', async (t) => {
  const emulator = await emulatorFor(t);
  const app = emulator.registerApp({ roles: ALL_ROLES });
  const reply = await call(emulator, {
    path: `/${emulator.tenantId}/oauth2/v2.0/token?client-request-id=abc`,
    form: {
      ...examples.token_request.form,
      client_id: app.clientId,
      client_secret: app.clientSecret ?? '',
      'x-client-SKU': 'msal.js.node', // MSAL's extra fields must be ignored
    },
  });
  assert.equal(reply.status, 200);
  assert.deepEqual(keysOf(reply.json), [...keysOf(examples.token_success.body), 'ext_expires_in'].sort());
  assert.equal(reply.json.token_type, 'Bearer');
  assert.equal(reply.json.expires_in, 3599);

  const header = decodeProtectedHeader(reply.json.access_token);
  const keys = await call(emulator, { path: `/${emulator.tenantId}/discovery/v2.0/keys` });
  assert.equal(header.kid, keys.json.keys[0].kid);
  const claims = decodeJwt(reply.json.access_token);
  assert.equal(claims.aud, 'https://graph.microsoft.com');
  assert.equal(claims.iss, `https://sts.windows.net/${emulator.tenantId}/`);
  assert.equal(claims.tid, emulator.tenantId);
  assert.equal(claims.appid, app.clientId);
  assert.deepEqual(claims.roles, ALL_ROLES);
  assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3599);
});

test('token failures answer the documented AADSTS error shape', async (t) => {
  const emulator = await emulatorFor(t, { clock: () => new Date('2025-03-04T05:06:07Z') });
  const app = emulator.registerApp({ roles: [] });
  const expired = emulator.registerApp({ roles: [], secretExpired: true });
  const form = {
    client_id: app.clientId,
    client_secret: app.clientSecret ?? '',
    scope: SCOPE,
    grant_type: 'client_credentials',
  };
  const cases = [
    { tenant: 'nowhere.onmicrosoft.com', form, status: 400, error: 'invalid_request', code: 90002 },
    {
      form: { ...form, client_id: 'f0f0f0f0-0000-0000-0000-000000000000' },
      status: 400,
      error: 'unauthorized_client',
      code: 700016,
    },
    { form: { ...form, client_secret: 'wrong' }, status: 401, error: 'invalid_client', code: 7000215 },
    {
      form: { ...form, client_id: expired.clientId, client_secret: expired.clientSecret ?? '' },
      status: 401,
      error: 'invalid_client',
      code: 7000222,
    },
    {
      form: { ...form, scope: 'https://foo.microsoft.com/.default' },
      status: 400,
      error: 'invalid_scope',
      code: 70011,
    },
    { form: { ...form, scope: 'User.Read' }, status: 400, error: 'invalid_scope', code: 70011 },
  ];
  for (const c of cases) {
    const reply = await call(emulator, {
      path: `/${c.tenant ?? emulator.tenantId}/oauth2/v2.0/token`,
      form: c.form,
      headers: { 'client-request-id': 'corr-1' },
    });
    assert.equal(reply.status, c.status, `AADSTS${c.code}`);
    assert.deepEqual(keysOf(reply.json), [...keysOf(examples.token_error.body), 'error_uri'].sort());
    assert.equal(reply.json.error, c.error);
    assert.deepEqual(reply.json.error_codes, [c.code]);
    assert.equal(reply.json.correlation_id, 'corr-1');
    assert.equal(reply.json.timestamp, '2025-03-04 05:06:07Z');
    assert.match(
      reply.json.error_description,
      new RegExp(
        `^AADSTS${c.code}: .+\\r\\nTrace ID: ${reply.json.trace_id}\\r\\nCorrelation ID: corr-1\\r\\nTimestamp: 2025-03-04 05:06:07Z$`,
      ),
    );
  }
});

test('a certificate assertion is checked against the registered certificate', async (t) => {
  const emulator = await emulatorFor(t);
  const [pem, otherPem] = await Promise.all([certificate(), certificate()]);
  const app = emulator.registerApp({ roles: ['User.Read.All'], certificatePem: pem.cert });
  assert.equal(app.clientSecret, undefined);
  const audience = `${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token`;
  const tokenWith = async (assertion: string) =>
    call(emulator, {
      path: `/${emulator.tenantId}/oauth2/v2.0/token`,
      form: {
        client_id: app.clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        scope: SCOPE,
        grant_type: 'client_credentials',
      },
    });

  const good = await tokenWith(await assertion(pem, { aud: audience, sub: app.clientId }));
  assert.equal(good.status, 200);
  assert.deepEqual(decodeJwt(good.json.access_token).roles, ['User.Read.All']);
  // MSAL Node rounds `nbf` to the nearest second, so it may lie slightly in the future.
  const early = await tokenWith(await assertion(pem, { aud: audience, sub: app.clientId, nbf: Date.now() / 1000 + 1 }));
  assert.equal(early.status, 200);

  const failures = [
    await assertion(otherPem, { aud: audience, sub: app.clientId }), // signed by another key
    await assertion(pem, { aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token', sub: app.clientId }),
    await assertion(pem, { aud: audience, sub: 'someone-else' }),
    await assertion(pem, { aud: audience, sub: app.clientId, x5t: 'AAAA' }),
    await assertion(pem, { aud: audience, sub: app.clientId, exp: Math.floor(Date.now() / 1000) - 600 }),
  ];
  for (const bad of failures) {
    const reply = await tokenWith(bad);
    assert.equal(reply.status, 401);
    assert.equal(reply.json.error, 'invalid_client');
    assert.deepEqual(reply.json.error_codes, [700027]);
  }
});

async function certificate(): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: 'commonName', value: 'guestlist-test-app' }], {
    keySize: 2048,
    algorithm: 'sha256',
  });
  return { cert: pems.cert, key: pems.private };
}

async function assertion(
  pem: { cert: string; key: string },
  claims: { aud: string; sub: string; x5t?: string; exp?: number; nbf?: number },
): Promise<string> {
  const der = new X509Certificate(pem.cert).raw;
  const x5t = claims.x5t ?? createHash('sha1').update(der).digest('base64url');
  const key = await importPKCS8(createPrivateKey(pem.key).export({ type: 'pkcs8', format: 'pem' }).toString(), 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t })
    .setAudience(claims.aud)
    .setIssuer(claims.sub)
    .setSubject(claims.sub)
    .setNotBefore(Math.round(claims.nbf ?? now - 60))
    .setExpirationTime(claims.exp ?? now + 600)
    .sign(key);
}
