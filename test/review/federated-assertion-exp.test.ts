// Review (issue 8, emulator): sts/federated-assertion.ts verifies with jose's jwtVerify and
// no `requiredClaims`, so a federated token with no `exp` (and no `nbf`/`iat`) is accepted
// forever. Entra refuses a client assertion without an expiry (`exp` is required for
// client assertions, AADSTS700024-family); an emulator that accepts it lets a token-file
// bug (a platform token without lifetime, or a cached never-expiring one) pass offline.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import type { EmulatorState, StoredApp } from '../../src/emulator/state.ts';
import { checkFederatedAssertion, TOKEN_EXCHANGE_AUDIENCE } from '../../src/emulator/sts/federated-assertion.ts';

test('a federated assertion without exp is refused', async () => {
  const issuer = 'https://oidc.example.net/cluster';
  const subject = 'system:serviceaccount:guestlist:web';
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const state = { trustedIssuers: new Map([[issuer, publicKey]]), clock: () => new Date() } as unknown as EmulatorState;
  const app = {
    federatedCredentials: [{ issuer, subject, audiences: [TOKEN_EXCHANGE_AUDIENCE] }],
  } as unknown as StoredApp;
  const forever = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(issuer)
    .setSubject(subject)
    .setAudience(TOKEN_EXCHANGE_AUDIENCE)
    .sign(privateKey);
  const verdict = await checkFederatedAssertion(state, app, forever);
  assert.notEqual(verdict, null, 'a token that never expires was accepted as a client assertion');
});
