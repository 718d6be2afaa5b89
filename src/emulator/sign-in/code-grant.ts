// The authorization_code grant of POST /{tenant}/oauth2/v2.0/token, once the client is
// authenticated (v2-oauth2-auth-code-flow.md, "Redeem a code for an access token"):
//  - `code`, `redirect_uri` and `code_verifier` are required (900144);
//  - a code unknown or issued to another client: AADSTS70000; already redeemed:
//    AADSTS54005; past its 10 minutes: AADSTS70008; another redirect_uri: AADSTS500112;
//    BASE64URL(SHA256(code_verifier)) other than the code_challenge: AADSTS501481;
//  - the code is spent only by a successful redemption;
//  - the answer has an id_token only when `openid` was in the scope, as Entra's does.
import { createHash } from 'node:crypto';
import type { EmulatorState } from '../state.ts';
import type { SigningKey } from '../sts/access-token.ts';
import { SIGN_IN_ERRORS as E, type SignInError } from './errors.ts';
import { ID_TOKEN_LIFETIME_SECONDS, issueIdToken, issueUserAccessToken, signInIssuer } from './id-token.ts';

export type CodeGrantResult = { ok: true; body: Record<string, unknown> } | { ok: false; failure: SignInError };

export async function redeemCode(input: {
  state: EmulatorState;
  key: SigningKey;
  clientId: string;
  form: URLSearchParams;
  /** The origin the client called: the ID token's issuer is on it, as discovery's is. */
  origin: string;
}): Promise<CodeGrantResult> {
  const { state, form } = input;
  const fail = (failure: SignInError): CodeGrantResult => ({ ok: false, failure });
  const value = form.get('code');
  if (!value) return fail(E.missingParameter('code'));
  const redirectUri = form.get('redirect_uri');
  if (!redirectUri) return fail(E.missingParameter('redirect_uri'));
  const verifier = form.get('code_verifier');
  if (!verifier) return fail(E.missingParameter('code_verifier'));

  const code = state.codes.get(value);
  if (!code || code.clientId !== input.clientId) return fail(E.invalidCode());
  if (code.redeemed) return fail(E.codeRedeemed());
  const now = state.clock();
  if (code.expiresAtMs <= now.getTime()) return fail(E.codeExpired());
  if (code.redirectUri !== redirectUri) return fail(E.redirectChanged(redirectUri, code.redirectUri));
  if (createHash('sha256').update(verifier).digest('base64url') !== code.codeChallenge)
    return fail(E.verifierMismatch());
  const user = state.users.get(code.userId);
  if (!user) return fail(E.invalidCode());
  code.redeemed = true;

  const accessToken = await issueUserAccessToken(input.key, {
    tenantId: state.tenantId,
    clientId: input.clientId,
    oid: user.id,
    scope: code.scope,
    now,
  });
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: code.scope,
    expires_in: ID_TOKEN_LIFETIME_SECONDS,
    ext_expires_in: ID_TOKEN_LIFETIME_SECONDS,
    access_token: accessToken,
  };
  if (code.scope.split(/\s+/).includes('openid')) {
    body.id_token = await issueIdToken(input.key, {
      issuer: signInIssuer(input.origin, state.tenantId),
      tenantId: state.tenantId,
      clientId: input.clientId,
      nonce: code.nonce,
      now,
      person: {
        oid: user.id,
        name: user.displayName,
        userPrincipalName: user.userPrincipalName,
        mail: user.mail,
        guest: user.userType === 'Guest',
        roles: code.roles,
      },
    });
  }
  return { ok: true, body };
}
