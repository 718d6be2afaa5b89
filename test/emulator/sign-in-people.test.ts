// Who may sign in and what their tokens say: guests carry acct 1, a disabled account is
// refused on the page, someone not on the staff cannot be picked by a forged form, and a
// request without `openid` gets no ID token, as from Entra.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeJwt } from 'jose';
import { emulatorFor } from './helpers.ts';
import { authorizeUrl, CALLBACK, hop, parsePage, pkce, redeem, signIn, signInApp } from './sign-in-helpers.ts';

test('a guest on the staff signs in with acct 1; without openid there is no ID token', async (t) => {
  const emulator = await emulatorFor(t);
  const app = signInApp(emulator);
  emulator.addStaff({ name: 'Gus Guest', email: 'gus@fabrikam.com', userType: 'Guest', roles: ['Guestlist.Approver'] });
  const first = pkce();
  const back = await signIn(emulator, app, { name: 'Gus Guest', challenge: first.challenge });
  const reply = await redeem(emulator, app, {
    code: back.searchParams.get('code') ?? '',
    code_verifier: first.verifier,
  });
  const claims = decodeJwt(JSON.parse(reply.text).id_token);
  assert.equal(claims.acct, 1);
  assert.equal(claims.email, 'gus@fabrikam.com');

  const second = pkce();
  const noOpenId = await signIn(emulator, app, { name: 'Gus Guest', challenge: second.challenge, scope: 'profile' });
  const plain = await redeem(emulator, app, {
    code: noOpenId.searchParams.get('code') ?? '',
    code_verifier: second.verifier,
  });
  assert.equal(plain.status, 200);
  const body = JSON.parse(plain.text);
  assert.equal(body.id_token, undefined);
  assert.equal(typeof body.access_token, 'string');
});

test('a disabled account or a forged pick of someone not on the staff gets an error page, not a code', async (t) => {
  const emulator = await emulatorFor(t);
  const app = signInApp(emulator);
  emulator.addStaff({ name: 'Dana Disabled', email: 'dana@contoso.onmicrosoft.com', accountEnabled: false });
  const outsider = emulator.addUser({ mail: 'olga@contoso.onmicrosoft.com', displayName: 'Olga' });
  const open = async () =>
    parsePage(
      (
        await hop(
          emulator,
          authorizeUrl(emulator, {
            client_id: app.clientId,
            response_type: 'code',
            redirect_uri: CALLBACK,
            scope: 'openid',
            code_challenge: pkce().challenge,
            code_challenge_method: 'S256',
          }),
        )
      ).text,
    );
  const page = await open();
  assert.equal(page.accounts.size, 1, 'only staff are listed');
  const disabled = await hop(emulator, page.action, { flow: page.flow, account: [...page.accounts.values()][0] ?? '' });
  assert.equal(disabled.status, 400);
  assert.equal(disabled.location, null);
  assert.match(disabled.text, /AADSTS50057:/);
  const again = await open();
  const forged = await hop(emulator, again.action, { flow: again.flow, account: outsider.id });
  assert.equal(forged.status, 400);
  assert.equal(forged.location, null);
  assert.match(forged.text, /AADSTS50034:/);
});
