// Client authentication at the token endpoint, shared by both grants: a client secret in
// the body (client_secret_post) or in an HTTP Basic header (client_secret_basic, whose
// parts are form-encoded: RFC 6749 §2.3.1), a certificate assertion (private_key_jwt), or
// a federated assertion: a token from an issuer the app trusts (federated-assertion.ts).
// Returns null when the client proved itself, else the AADSTS failure.
import type { EmulatorState, StoredApp } from '../state.ts';
import { checkClientAssertion } from './client-assertion.ts';
import { type AssertionFailure, checkFederatedAssertion, isFederatedAssertion } from './federated-assertion.ts';
import { AADSTS } from './token-errors.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

type Failure = ReturnType<(typeof AADSTS)[keyof typeof AADSTS]> | AssertionFailure;

/** The client id and secret of an `Authorization: Basic` header, or null. */
export function basicCredentials(authorization: string | undefined): { clientId: string; secret: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const formDecode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

export async function authenticateClient(input: {
  state: EmulatorState;
  app: StoredApp;
  form: URLSearchParams;
  basicSecret: string | null;
  /** Token endpoint URLs the assertion's `aud` may name. */
  audiences: string[];
}): Promise<Failure | null> {
  const { app, form } = input;
  const secret = input.basicSecret ?? form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (secret !== null) {
    if (app.clientSecret === null || secret !== app.clientSecret) return AADSTS.wrongSecret(app.clientId);
    if (app.secretExpired) return AADSTS.secretExpired(app.clientId);
    return null;
  }
  if (assertion !== null) {
    if (form.get('client_assertion_type') !== JWT_BEARER) return AADSTS.missingParameter('client_assertion_type');
    // A certificate assertion is issued by the app itself (iss = sub = client_id); another
    // issuer is federation, unless the app only has a certificate to check it against.
    const federated =
      isFederatedAssertion(assertion, app.clientId) &&
      (app.federatedCredentials.length > 0 || app.certificatePem === null);
    if (federated) return checkFederatedAssertion(input.state, app, assertion);
    if (app.certificatePem === null) return AADSTS.badAssertion('No certificate is registered on the application.');
    const reason = await checkClientAssertion(assertion, {
      certificatePem: app.certificatePem,
      clientId: app.clientId,
      audiences: input.audiences,
      now: input.state.clock(),
    });
    return reason === null ? null : AADSTS.badAssertion(reason);
  }
  return AADSTS.noCredential();
}
