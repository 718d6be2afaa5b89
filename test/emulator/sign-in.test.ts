// Staff sign-in: the authorization code flow with PKCE, hop by hop over real TLS, as a
// browser and openid-client walk it against Entra.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLocalJWKSet, decodeJwt, type JSONWebKeySet, jwtVerify } from 'jose';
import { DEFAULT_STAFF } from '../../src/emulator/index.ts';
import { emulatorFor } from './helpers.ts';
import {
  authorizeUrl,
  CALLBACK,
  errorCodes,
  hop,
  parsePage,
  pkce,
  redeem,
  signIn,
  signInApp,
} from './sign-in-helpers.ts';

test('discovery names the tenant issuer and the sign-in endpoints on the emulator origin', async (t) => {
  const emulator = await emulatorFor(t);
  assert.equal(emulator.issuer, `${emulator.url}/${emulator.tenantId}/v2.0`);
  const reply = await hop(emulator, `${emulator.issuer}/.well-known/openid-configuration`);
  assert.equal(reply.status, 200);
  const config = JSON.parse(reply.text);
  const base = `${emulator.url}/${emulator.tenantId}`;
  assert.equal(config.issuer, emulator.issuer);
  assert.equal(config.authorization_endpoint, `${base}/oauth2/v2.0/authorize`);
  assert.equal(config.token_endpoint, `${base}/oauth2/v2.0/token`);
  assert.equal(config.jwks_uri, `${base}/discovery/v2.0/keys`);
  assert.equal(config.end_session_endpoint, `${base}/oauth2/v2.0/logout`);
  assert.ok(config.response_types_supported.includes('code'));
  assert.deepEqual(config.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(config.id_token_signing_alg_values_supported, ['RS256']);
  for (const claim of ['oid', 'tid', 'roles', 'nonce', 'preferred_username', 'email']) {
    assert.ok(config.claims_supported.includes(claim), claim);
  }
  const keys = JSON.parse((await hop(emulator, config.jwks_uri)).text);
  assert.equal(keys.keys[0].kty, 'RSA');
  assert.equal(typeof keys.keys[0].kid, 'string');
});

test('the code flow signs staff in with a verifiable ID token; roles only for people who hold them', async (t) => {
  const emulator = await emulatorFor(t, { staff: DEFAULT_STAFF });
  const app = signInApp(emulator);
  const config = JSON.parse((await hop(emulator, `${emulator.issuer}/.well-known/openid-configuration`)).text);
  const jwks = createLocalJWKSet(JSON.parse((await hop(emulator, config.jwks_uri)).text) as JSONWebKeySet);

  const idTokenOf = async (name: string, nonce: string) => {
    const { verifier, challenge } = pkce();
    const back = await signIn(emulator, app, { name, challenge, nonce, state: `state-${nonce}` });
    assert.equal(`${back.origin}${back.pathname}`, CALLBACK);
    assert.equal(back.searchParams.get('state'), `state-${nonce}`);
    const code = back.searchParams.get('code') ?? '';
    const reply = await redeem(emulator, app, { code, code_verifier: verifier });
    assert.equal(reply.status, 200, reply.text);
    const body = JSON.parse(reply.text);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.scope, 'openid profile email');
    assert.equal(body.expires_in, 3600);
    assert.equal(typeof body.access_token, 'string');
    const { payload, protectedHeader } = await jwtVerify(body.id_token, jwks, {
      issuer: config.issuer,
      audience: app.clientId,
      algorithms: ['RS256'],
    });
    assert.equal(protectedHeader.kid, JSON.parse((await hop(emulator, config.jwks_uri)).text).keys[0].kid);
    return payload;
  };

  const adele = await idTokenOf('Adele Vance', 'n-1');
  const admin = emulator.listStaff().find((person) => person.name === 'Adele Vance');
  assert.equal(adele.oid, admin?.id);
  assert.equal(adele.tid, emulator.tenantId);
  assert.equal(adele.name, 'Adele Vance');
  assert.equal(adele.preferred_username, 'adele.vance@contoso.onmicrosoft.com');
  assert.equal(adele.email, 'adele.vance@contoso.onmicrosoft.com');
  assert.equal(adele.nonce, 'n-1');
  assert.equal(adele.ver, '2.0');
  assert.equal(adele.acct, 0);
  assert.deepEqual(adele.roles, ['Guestlist.Admin']);
  assert.equal((adele.exp ?? 0) - (adele.iat ?? 0), 3600);
  assert.equal(adele.nbf, adele.iat);
  assert.notEqual(adele.sub, adele.oid, 'sub is pairwise, not the object id');

  const alex = await idTokenOf('Alex Wilber', 'n-2');
  assert.deepEqual(alex.roles, ['Guestlist.Approver']);
  const megan = await idTokenOf('Megan Bowen', 'n-3');
  assert.equal('roles' in megan, false, 'no roles claim at all for someone without app roles');

  // sub is stable for the app and the person, and differs for another app.
  assert.equal((await idTokenOf('Adele Vance', 'n-4')).sub, adele.sub);
  const other = signInApp(emulator);
  const { verifier, challenge } = pkce();
  const back = await signIn(emulator, other, { name: 'Adele Vance', challenge });
  const reply = await redeem(emulator, other, { code: back.searchParams.get('code') ?? '', code_verifier: verifier });
  assert.notEqual(decodeJwt(JSON.parse(reply.text).id_token).sub, adele.sub);
});

test('role changes and new staff reach the token at the next sign-in', async (t) => {
  const emulator = await emulatorFor(t);
  const app = signInApp(emulator);
  const person = emulator.addStaff({ name: 'Nestor Wilke', email: 'nestor@contoso.onmicrosoft.com' });
  assert.equal(emulator.getUser(person.id)?.userType, 'Member', 'staff are members of the directory');
  const first = pkce();
  const back = await signIn(emulator, app, { name: 'Nestor Wilke', challenge: first.challenge });
  emulator.assignRoles(person.id, ['Guestlist.Approver']); // after the sign-in: not in this token
  const before = await redeem(emulator, app, {
    code: back.searchParams.get('code') ?? '',
    code_verifier: first.verifier,
  });
  assert.equal('roles' in decodeJwt(JSON.parse(before.text).id_token), false);
  const second = pkce();
  const again = await signIn(emulator, app, { name: 'Nestor Wilke', challenge: second.challenge });
  const after = await redeem(emulator, app, {
    code: again.searchParams.get('code') ?? '',
    code_verifier: second.verifier,
  });
  assert.deepEqual(decodeJwt(JSON.parse(after.text).id_token).roles, ['Guestlist.Approver']);
  assert.throws(() => emulator.addStaff({ name: 'X', email: 'not-an-address' }), TypeError);
  assert.throws(() => emulator.assignRoles('no-such-user', ['Guestlist.Admin']), /No user/);
});

test('client_secret_basic authenticates the code redemption as the secret in the body does', async (t) => {
  const emulator = await emulatorFor(t, { staff: DEFAULT_STAFF });
  const app = signInApp(emulator);
  const { verifier, challenge } = pkce();
  const back = await signIn(emulator, app, { name: 'Alex Wilber', challenge });
  const basic = Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret)}`).toString(
    'base64',
  );
  const wrong = Buffer.from(`${app.clientId}:nope`).toString('base64');
  const form = {
    grant_type: 'authorization_code',
    code: back.searchParams.get('code') ?? '',
    code_verifier: verifier,
    redirect_uri: CALLBACK,
  };
  const refused = await hop(emulator, `/${emulator.tenantId}/oauth2/v2.0/token`, form, {
    authorization: `Basic ${wrong}`,
  });
  assert.equal(refused.status, 401);
  assert.deepEqual(errorCodes(refused), [7000215]);
  const ok = await hop(emulator, `/${emulator.tenantId}/oauth2/v2.0/token`, form, { authorization: `Basic ${basic}` });
  assert.equal(ok.status, 200, ok.text);
});

test('an unregistered redirect URI or unknown app gets Entra error page, never a redirect', async (t) => {
  const emulator = await emulatorFor(t, { staff: DEFAULT_STAFF });
  const app = signInApp(emulator);
  const { challenge } = pkce();
  const base = {
    client_id: app.clientId,
    response_type: 'code',
    redirect_uri: CALLBACK,
    scope: 'openid',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  const cases: Array<[Record<string, string | undefined>, number]> = [
    [{ redirect_uri: 'https://evil.example.com/auth/callback' }, 50011],
    [{ redirect_uri: `${CALLBACK}/` }, 50011],
    [{ redirect_uri: undefined }, 900144],
    [{ client_id: '00000000-0000-0000-0000-000000000000' }, 700016],
    [{ client_id: undefined }, 900144],
  ];
  for (const [change, code] of cases) {
    const reply = await hop(emulator, authorizeUrl(emulator, { ...base, ...change }));
    assert.equal(reply.status, 400, JSON.stringify(change));
    assert.equal(reply.location, null);
    assert.match(reply.text, new RegExp(`AADSTS${code}:`));
  }
  const unknownTenant = await hop(emulator, authorizeUrl(emulator, base).replace(emulator.tenantId, 'nowhere'));
  assert.match(unknownTenant.text, /AADSTS90002:/);
});

test('bad requests from a trusted client go back to its redirect URI with error and state', async (t) => {
  const emulator = await emulatorFor(t, { staff: DEFAULT_STAFF });
  const app = signInApp(emulator);
  const { challenge, verifier } = pkce();
  const base = {
    client_id: app.clientId,
    response_type: 'code',
    redirect_uri: CALLBACK,
    scope: 'openid',
    state: 's1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  const cases: Array<[Record<string, string | undefined>, string, number]> = [
    [{ response_type: 'token' }, 'unsupported_response_type', 70005],
    [{ scope: undefined }, 'invalid_request', 900144],
    [{ code_challenge: undefined }, 'invalid_request', 900144],
    [{ code_challenge_method: 'plain', code_challenge: verifier }, 'invalid_request', 900144],
    [{ code_challenge: 'short' }, 'invalid_request', 501491],
    [{ prompt: 'none' }, 'login_required', 50058],
    [{ response_mode: 'form_post' }, 'invalid_request', 900144],
  ];
  for (const [change, error, code] of cases) {
    const reply = await hop(emulator, authorizeUrl(emulator, { ...base, ...change }));
    assert.equal(reply.status, 302, JSON.stringify(change));
    const back = new URL(reply.location ?? '');
    assert.equal(`${back.origin}${back.pathname}`, CALLBACK);
    assert.equal(back.searchParams.get('error'), error, JSON.stringify(change));
    assert.match(back.searchParams.get('error_description') ?? '', new RegExp(`^AADSTS${code}:`));
    assert.equal(back.searchParams.get('state'), 's1');
    assert.equal(back.searchParams.has('code'), false);
  }
});

test('cancel returns access_denied; a page answers once', async (t) => {
  const emulator = await emulatorFor(t, { staff: DEFAULT_STAFF });
  const app = signInApp(emulator);
  const page = await hop(
    emulator,
    authorizeUrl(emulator, {
      client_id: app.clientId,
      response_type: 'code',
      redirect_uri: CALLBACK,
      scope: 'openid',
      state: 'keep-me',
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
    }),
  );
  const form = parsePage(page.text);
  const cancelled = await hop(emulator, form.action, { flow: form.flow, cancel: '1' });
  assert.equal(cancelled.status, 302);
  const back = new URL(cancelled.location ?? '');
  assert.equal(back.searchParams.get('error'), 'access_denied');
  assert.equal(back.searchParams.get('state'), 'keep-me');
  assert.equal(back.searchParams.has('code'), false);
  const account = [...form.accounts.values()][0] ?? '';
  const replayed = await hop(emulator, form.action, { flow: form.flow, account });
  assert.equal(replayed.status, 400);
  assert.equal(replayed.location, null);
});

test('a code is single-use, short-lived, bound to its client, redirect URI and PKCE verifier', async (t) => {
  let now = new Date('2026-01-01T10:00:00Z');
  const emulator = await emulatorFor(t, { staff: DEFAULT_STAFF, clock: () => now });
  const app = signInApp(emulator);
  const other = signInApp(emulator);
  const codeFor = async () => {
    const { verifier, challenge } = pkce();
    const back = await signIn(emulator, app, { name: 'Adele Vance', challenge });
    return { code: back.searchParams.get('code') ?? '', verifier };
  };
  const refusedWith = async (reply: Promise<Awaited<ReturnType<typeof redeem>>>, code: number) => {
    const answer = await reply;
    assert.equal(answer.status, 400, answer.text);
    assert.equal(JSON.parse(answer.text).error, code === 900144 ? 'invalid_request' : 'invalid_grant');
    assert.deepEqual(errorCodes(answer), [code]);
  };

  const a = await codeFor();
  await refusedWith(redeem(emulator, app, { code: a.code, code_verifier: pkce().verifier }), 501481);
  await refusedWith(redeem(emulator, app, { code: a.code, code_verifier: undefined }), 900144);
  await refusedWith(
    redeem(emulator, app, { code: a.code, code_verifier: a.verifier, redirect_uri: `${CALLBACK}x` }),
    500112,
  );
  await refusedWith(redeem(emulator, other, { code: a.code, code_verifier: a.verifier }), 70000);
  await refusedWith(redeem(emulator, app, { code: 'made-up', code_verifier: a.verifier }), 70000);
  // The failed attempts did not spend it; the good one does, and only once.
  assert.equal((await redeem(emulator, app, { code: a.code, code_verifier: a.verifier })).status, 200);
  await refusedWith(redeem(emulator, app, { code: a.code, code_verifier: a.verifier }), 54005);

  const b = await codeFor();
  now = new Date(now.getTime() + 10 * 60 * 1000);
  await refusedWith(redeem(emulator, app, { code: b.code, code_verifier: b.verifier }), 70008);
});

test('logout returns only to a registered redirect URI', async (t) => {
  const emulator = await emulatorFor(t);
  const app = signInApp(emulator, [CALLBACK, 'https://guestlist.example.com/']);
  const logout = (params: Record<string, string>) =>
    hop(emulator, `/${emulator.tenantId}/oauth2/v2.0/logout?${new URLSearchParams(params)}`);
  const back = await logout({ post_logout_redirect_uri: 'https://guestlist.example.com/', state: 'x' });
  assert.equal(back.status, 302);
  assert.equal(back.location, 'https://guestlist.example.com/?state=x');
  const scoped = await logout({ post_logout_redirect_uri: CALLBACK, client_id: app.clientId });
  assert.equal(scoped.location, CALLBACK);
  const staying: Array<Record<string, string>> = [
    { post_logout_redirect_uri: 'https://evil.example.com/' },
    { post_logout_redirect_uri: CALLBACK, client_id: signInApp(emulator, []).clientId },
    {},
  ];
  for (const params of staying) {
    const stay = await logout(params);
    assert.equal(stay.status, 200, JSON.stringify(params));
    assert.equal(stay.location, null);
    assert.match(stay.text, /You signed out/);
  }
});
