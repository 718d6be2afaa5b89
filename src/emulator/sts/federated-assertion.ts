// Checks a federated client assertion (workload identity federation,
// workload-identity-federation.md and "Flow: client credentials with a federated credential"):
// the app presents a token another issuer gave it (a Kubernetes service account token,
// a managed identity's token for api://AzureADTokenExchange, GitHub's…) instead of a
// secret. Entra accepts it when one of the app's federated identity credentials names
// its `iss` and `sub` exactly and one of its audiences, the signature checks against
// the issuer's published keys, and it is inside its lifetime. The messages are Entra's
// (AADSTS700211/700213/700212/700024/AADSTS50013) so callers see what they would see.
import { decodeJwt, jwtVerify } from 'jose';
import type { EmulatorState, StoredApp } from '../state.ts';

export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

export interface AssertionFailure {
  code: number;
  error: string;
  status: 400 | 401;
  description: string;
}

const refuse = (code: number, description: string): AssertionFailure => ({
  code,
  error: 'invalid_client',
  status: 401,
  description,
});

/** Whether `assertion` claims to come from an issuer other than the app itself (so it is federated, not a certificate assertion). */
export function isFederatedAssertion(assertion: string, clientId: string): boolean {
  try {
    return decodeJwt(assertion).iss !== clientId;
  } catch {
    return false;
  }
}

export async function checkFederatedAssertion(
  state: EmulatorState,
  app: StoredApp,
  assertion: string,
): Promise<AssertionFailure | null> {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(assertion);
  } catch {
    return refuse(50027, 'JWT token is invalid or malformed.');
  }
  const issuer = String(claims.iss ?? '');
  const subject = String(claims.sub ?? '');
  const byIssuer = app.federatedCredentials.filter((each) => each.issuer === issuer);
  if (byIssuer.length === 0) {
    return refuse(
      700211,
      `No matching federated identity record found for presented assertion issuer '${issuer}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    );
  }
  const bySubject = byIssuer.filter((each) => each.subject === subject);
  if (bySubject.length === 0) {
    return refuse(
      700213,
      `No matching federated identity record found for presented assertion subject '${subject}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    );
  }
  const audiences = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).map(String);
  if (!bySubject.some((each) => each.audiences.some((aud) => audiences.includes(aud)))) {
    return refuse(
      700212,
      `No matching federated identity record found for presented assertion audience '${audiences.join(', ')}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    );
  }
  const key = state.trustedIssuers.get(issuer);
  if (!key) return refuse(50027, `Unable to fetch the signing keys of issuer '${issuer}'.`);
  try {
    // Entra allows five minutes of clock skew on federated tokens too.
    // `exp` is required: an assertion that never expires is refused, as Entra refuses it.
    await jwtVerify(assertion, key, {
      currentDate: state.clock(),
      clockTolerance: 300,
      issuer,
      subject,
      requiredClaims: ['exp'],
    });
    return null;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JWT_EXPIRED' || code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
      return refuse(
        700024,
        'Client assertion is not within its valid time range. Current time: ' +
          `${state.clock().toISOString()}, assertion valid from ${String(claims.nbf ?? claims.iat)}, expiry time of assertion ${String(claims.exp)}.`,
      );
    }
    return refuse(50013, 'Assertion failed signature validation.');
  }
}
