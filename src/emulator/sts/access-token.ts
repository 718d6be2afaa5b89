// App-only access tokens for Microsoft Graph, shaped like the v1 tokens Entra issues
// for the `https://graph.microsoft.com/.default` scope (identity-platform/access-token-claims-reference.md):
// iss `https://sts.windows.net/{tid}/`, aud `https://graph.microsoft.com`, `roles` = the
// application permissions granted to the app (omitted when none are).
import { randomUUID } from 'node:crypto';
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, jwtVerify, SignJWT } from 'jose';

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
export const TOKEN_LIFETIME_SECONDS = 3599;

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, privateKey, publicKey, publicJwk: { ...publicJwk, kid, use: 'sig', alg: 'RS256' } };
}

export interface AccessClaims {
  tid: string;
  appid: string;
  oid: string;
  roles: string[];
}

export function tokenIssuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

export async function issueAccessToken(key: SigningKey, claims: AccessClaims, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  const payload: Record<string, unknown> = {
    tid: claims.tid,
    appid: claims.appid,
    appidacr: '1',
    idtyp: 'app',
    oid: claims.oid,
    sub: claims.oid,
    ver: '1.0',
    uti: randomUUID(),
  };
  if (claims.roles.length > 0) payload.roles = claims.roles;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid, x5t: key.kid })
    .setIssuer(tokenIssuer(claims.tid))
    .setAudience(GRAPH_AUDIENCE)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + TOKEN_LIFETIME_SECONDS)
    .sign(key.privateKey);
}

/** Why a bearer token was refused, in the words Graph uses for 401 InvalidAuthenticationToken. */
export class TokenRejected extends Error {}

export async function verifyAccessToken(
  key: SigningKey,
  token: string,
  expected: { tenantId: string; now: Date },
): Promise<AccessClaims> {
  if (token.split('.').length !== 3) throw new TokenRejected('IDX14100: JWT is not well formed.');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key.publicKey, { algorithms: ['RS256'], currentDate: expected.now }));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JWT_EXPIRED') throw new TokenRejected('Lifetime validation failed, the token is expired.');
    throw new TokenRejected('Access token validation failure.');
  }
  if (payload.aud !== GRAPH_AUDIENCE) throw new TokenRejected('Access token validation failure. Invalid audience.');
  if (payload.iss !== tokenIssuer(expected.tenantId) || payload.tid !== expected.tenantId) {
    throw new TokenRejected('Access token validation failure. Invalid issuer.');
  }
  return {
    tid: String(payload.tid),
    appid: String(payload.appid),
    oid: String(payload.oid),
    roles: Array.isArray(payload.roles) ? payload.roles.map(String) : [],
  };
}
