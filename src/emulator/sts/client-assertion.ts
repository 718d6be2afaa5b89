// Checks a certificate client assertion (identity-platform/certificate-credentials.md):
//  - signed (RS256, or PS256 which MSAL Node uses with an SHA-256 thumbprint) by the key
//    of the certificate registered on the app;
//  - header `x5t` (SHA-1) / `x5t#S256` (SHA-256), when present, name that certificate;
//  - `aud` is the token endpoint the assertion is sent to; `iss` = `sub` = client_id;
//  - inside its `nbf`..`exp` window, give or take 5 minutes of clock skew as Entra allows:
//    MSAL Node sets `nbf` to Math.round(now), up to half a second in the future.
// Returns null when valid, or the reason that goes into AADSTS700027.
import { createHash, X509Certificate } from 'node:crypto';
import { decodeProtectedHeader, importX509, jwtVerify } from 'jose';

const ALGORITHMS = ['RS256', 'PS256'];

export async function checkClientAssertion(
  assertion: string,
  expected: { certificatePem: string; clientId: string; audiences: string[]; now: Date },
): Promise<string | null> {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(assertion) as Record<string, unknown>;
  } catch {
    return 'The client assertion is not a well-formed JWT.';
  }
  const alg = typeof header.alg === 'string' ? header.alg : '';
  if (!ALGORITHMS.includes(alg)) return `The signing algorithm '${alg}' is not supported.`;
  const der = new X509Certificate(expected.certificatePem).raw;
  const sha1 = createHash('sha1').update(der).digest('base64url');
  const sha256 = createHash('sha256').update(der).digest('base64url');
  const x5tS256 = header['x5t#S256'];
  if ((header.x5t !== undefined && header.x5t !== sha1) || (x5tS256 !== undefined && x5tS256 !== sha256)) {
    return `The key was not found., Thumbprint of key used by client: '${String(header.x5t ?? x5tS256)}'`;
  }
  try {
    const key = await importX509(expected.certificatePem, alg);
    const { payload } = await jwtVerify(assertion, key, {
      algorithms: ALGORITHMS,
      currentDate: expected.now,
      clockTolerance: 300,
      issuer: expected.clientId,
      subject: expected.clientId,
    });
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.some((aud) => typeof aud === 'string' && expected.audiences.includes(aud))) {
      return `The audience '${String(payload.aud)}' is not the token endpoint.`;
    }
    if (payload.exp === undefined) return "The 'exp' claim is missing.";
    return null;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return 'The signature does not match the registered key.';
    if (code === 'ERR_JWT_EXPIRED') return 'The client assertion is expired.';
    return `The client assertion is invalid: ${(error as Error).message}`;
  }
}
