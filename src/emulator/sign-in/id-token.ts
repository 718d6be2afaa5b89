// What the token endpoint returns for a sign-in: the v2.0 ID token
// (id-token-claims-reference.md) and a delegated access token.
//  - iss `{origin}/{tenantId}/v2.0`, the metadata issuer; aud the client id;
//  - oid the user's object id, tid the tenant; sub pairwise: stable per app and person,
//    different across apps, as Entra's is;
//  - name, preferred_username (the UPN), email when the user has a mailbox;
//  - roles: the app role values assigned, ABSENT when none are (not an empty array);
//  - acct: 0 member, 1 guest (optional claim, which Guestlist's registration asks for);
//  - nonce echoed; iat = nbf, exp one hour later.
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKey } from '../sts/access-token.ts';
import { GRAPH_AUDIENCE, tokenIssuer } from '../sts/access-token.ts';

export const ID_TOKEN_LIFETIME_SECONDS = 3600;

export function signInIssuer(origin: string, tenantId: string): string {
  return `${origin}/${tenantId}/v2.0`;
}

export interface SignedInPerson {
  oid: string;
  name: string | null;
  userPrincipalName: string;
  mail: string | null;
  guest: boolean;
  roles: string[];
}

export function pairwiseSubject(clientId: string, oid: string): string {
  return createHash('sha256').update(`${clientId}:${oid}`).digest('base64url');
}

export async function issueIdToken(
  key: SigningKey,
  input: {
    issuer: string;
    tenantId: string;
    clientId: string;
    nonce: string | null;
    person: SignedInPerson;
    now: Date;
  },
): Promise<string> {
  const { person } = input;
  const iat = Math.floor(input.now.getTime() / 1000);
  const payload: Record<string, unknown> = {
    oid: person.oid,
    tid: input.tenantId,
    name: person.name ?? person.userPrincipalName,
    preferred_username: person.userPrincipalName,
    acct: person.guest ? 1 : 0,
    uti: randomUUID(),
    ver: '2.0',
  };
  if (person.mail !== null) payload.email = person.mail;
  if (input.nonce !== null) payload.nonce = input.nonce;
  if (person.roles.length > 0) payload.roles = person.roles;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .setIssuer(input.issuer)
    .setAudience(input.clientId)
    .setSubject(pairwiseSubject(input.clientId, person.oid))
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + ID_TOKEN_LIFETIME_SECONDS)
    .sign(key.privateKey);
}

/**
 * A delegated Graph token for the person (`scp`, no `roles`): the emulator's Graph treats
 * it as holding no application permission, so it opens nothing. Guestlist does not use it.
 */
export async function issueUserAccessToken(
  key: SigningKey,
  input: { tenantId: string; clientId: string; oid: string; scope: string; now: Date },
): Promise<string> {
  const iat = Math.floor(input.now.getTime() / 1000);
  return new SignJWT({
    tid: input.tenantId,
    appid: input.clientId,
    oid: input.oid,
    idtyp: 'user',
    scp: input.scope,
    ver: '1.0',
    uti: randomUUID(),
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .setIssuer(tokenIssuer(input.tenantId))
    .setAudience(GRAPH_AUDIENCE)
    .setSubject(input.oid)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + ID_TOKEN_LIFETIME_SECONDS)
    .sign(key.privateKey);
}
