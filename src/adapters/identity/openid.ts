// "Sign in with Microsoft": OpenID Connect authorization code flow with PKCE through
// openid-client, against Entra ID (`${authorityHost}/${tenantId}/v2.0`) or, in sandbox
// mode, the emulator (same code, its CA trusted). Discovery happens at the first sign-in,
// not at start-up, so a Microsoft outage never stops Guestlist from starting (local admins
// can still sign in); a failed discovery is forgotten, and the next sign-in tries again.
// The client authenticates at the token endpoint as the Graph adapter does: the client
// secret in the body, or a certificate assertion signed with the certificate's key and
// carrying its thumbprint (`x5t#S256`, and `x5t` for older Entra endpoints), or — with a
// managed identity or workload identity federation — a federated assertion fetched fresh
// for each code redemption (directory/credential.ts, federatedAssertionSource).
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as oidc from 'openid-client';
import type { GraphCredential } from '../../config.ts';
import { IdentityProviderUnavailableError, SignInFailedError } from '../../domain/sign-in.ts';
import type { IdentityClaims, IdentityProvider, Logger } from '../../ports.ts';
import { federatedAssertionSource } from '../directory/credential.ts';
import { createFetch } from '../directory/fetch-handler.ts';

export interface SignInSettings {
  /** `https://login.microsoftonline.com/<tenant>/v2.0`, or the emulator's issuer. */
  issuer: string;
  clientId: string;
  credential: GraphCredential;
  /** `${publicUrl}/auth/callback`, registered as a Web redirect URI of the app. */
  redirectUri: string;
  /** A CA to trust besides Node's (the in-process emulator's). */
  ca?: string | undefined;
}

const SCOPE = 'openid profile email';
const DISCOVERY_TIMEOUT_SECONDS = 10;

export function createOpenIdProvider(settings: SignInSettings, logger: Logger): IdentityProvider {
  let configuration: Promise<oidc.Configuration> | null = null;
  const fetchImpl = createFetch(settings.ca);

  const discover = (): Promise<oidc.Configuration> => {
    configuration ??= (async () => {
      let tokenEndpoint: string | undefined;
      const auth = await clientAuthentication(settings.credential, () => tokenEndpoint, settings.ca, settings.issuer);
      const config = await oidc.discovery(new URL(settings.issuer), settings.clientId, undefined, auth, {
        [oidc.customFetch]: fetchImpl as never,
        timeout: DISCOVERY_TIMEOUT_SECONDS,
      });
      config[oidc.customFetch] = fetchImpl as never;
      tokenEndpoint = config.serverMetadata().token_endpoint;
      return config;
    })().catch((error: unknown) => {
      configuration = null; // try again at the next sign-in
      logger.error(
        { err: error, issuer: settings.issuer },
        'sign-in with Microsoft is unavailable: OpenID Connect discovery failed',
      );
      // The page is public: the cause (addresses, ports, TLS and DNS errors) goes to the log only.
      throw new IdentityProviderUnavailableError(
        'Microsoft sign-in could not be reached. Try again in a few minutes; if it lasts, ' +
          'an administrator can sign in with a break-glass local account.',
      );
    });
    return configuration;
  };

  return {
    async begin() {
      const config = await discover();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const attempt = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: SCOPE,
        response_mode: 'query',
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state: attempt.state,
        nonce: attempt.nonce,
      });
      return { attempt, url };
    },

    async complete(callback, attempt) {
      const config = await discover();
      // openid-client takes the redirect_uri for the token request from this URL: exactly the registered one.
      const callbackUrl = new URL(settings.redirectUri);
      callbackUrl.search = callback.toString();
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: attempt.codeVerifier,
          expectedState: attempt.state,
          expectedNonce: attempt.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        const refused = signInError(error);
        if (refused instanceof IdentityProviderUnavailableError) {
          logger.error(
            { err: error },
            'sign-in with Microsoft is unavailable: the token endpoint could not be reached',
          );
        }
        throw refused;
      }
      return claimsOf(tokens.claims());
    },

    async signOutUrl() {
      let config: oidc.Configuration;
      try {
        config = await discover();
      } catch {
        return null;
      }
      if (!config.serverMetadata().end_session_endpoint) return null;
      // No post_logout_redirect_uri: Entra accepts only registered redirect URIs there, and
      // its own "You signed out" page is as good an end as any.
      return oidc.buildEndSessionUrl(config);
    },
  };
}

function claimsOf(claims: oidc.IDToken | undefined): IdentityClaims {
  if (!claims) throw new SignInFailedError('token', 'Microsoft sent no ID token.');
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
  const objectId = text(claims.oid);
  // Without `oid` (a personal Microsoft account, say) there is nobody in the tenant to name.
  if (!objectId) throw new SignInFailedError('token', 'The ID token names no person in your organization (no oid).');
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  return {
    objectId,
    name: text(claims.name) ?? text(claims.preferred_username) ?? objectId,
    email: text(claims.email) ?? text(claims.preferred_username),
    roles,
  };
}

/** openid-client's errors → what the callback page says. */
function signInError(error: unknown): Error {
  if (error instanceof oidc.AuthorizationResponseError) {
    // The provider sent the browser back with `error=`: cancelled, refused, or its own trouble.
    if (error.error === 'access_denied') {
      return new SignInFailedError('access_denied', 'Sign-in was cancelled or refused.');
    }
    return new SignInFailedError(
      'provider_error',
      `Microsoft refused the sign-in (${error.error}${error.error_description ? `: ${firstLine(error.error_description)}` : ''}).`,
    );
  }
  if (error instanceof oidc.ResponseBodyError) {
    // The token endpoint refused the code: already used (a replayed callback), expired, or not ours.
    return new SignInFailedError(
      'token',
      `Microsoft did not accept the sign-in code (${error.error}${error.error_description ? `: ${firstLine(error.error_description)}` : ''}).`,
    );
  }
  if (error instanceof oidc.ClientError) {
    const code = (error as { code?: string }).code;
    if (code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') {
      // The authorization response's state or issuer is not this attempt's.
      return new SignInFailedError('state', 'The answer from Microsoft does not belong to this sign-in.');
    }
    if (code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON') {
      // The token endpoint answered a 5xx or an HTML error page.
      return new IdentityProviderUnavailableError('Microsoft sign-in answered with an error. Try again in a minute.');
    }
    // The ID token: nonce, audience, issuer, signature, times.
    return new SignInFailedError('token', `The ID token from Microsoft did not check out (${error.message}).`);
  }
  if (error instanceof TypeError || (error instanceof Error && error.name === 'TimeoutError')) {
    return new IdentityProviderUnavailableError('Microsoft sign-in could not be reached. Try again in a minute.');
  }
  return error instanceof Error ? error : new Error(String(error));
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0]!.slice(0, 300);
}

/**
 * The token endpoint's client authentication for the configured credential. A certificate
 * assertion's `aud` is the token endpoint (`tokenEndpoint()`, known after discovery), as
 * Entra requires; openid-client would put the issuer there.
 */
export async function clientAuthentication(
  credential: GraphCredential,
  tokenEndpoint: () => string | undefined,
  ca?: string,
  issuer?: string,
): Promise<oidc.ClientAuth> {
  if (credential.kind === 'secret') return oidc.ClientSecretPost(credential.secret);
  // The issuer's origin is the authority host (`https://login.microsoftonline.us/<tenant>/v2.0`).
  const assertion = federatedAssertionSource(credential, { ca, authorityHost: issuer && new URL(issuer).origin });
  if (assertion) {
    return async (_server, client, body) => {
      body.set('client_id', client.client_id);
      body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      body.set('client_assertion', await assertion());
    };
  }
  if (credential.kind !== 'certificate') throw new Error(`No client authentication for ${credential.kind}.`);
  const pem = await readFile(credential.path, 'utf8');
  const certificatePem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  const keyPem =
    /-----BEGIN (?:ENCRYPTED |RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:ENCRYPTED |RSA )?PRIVATE KEY-----/.exec(
      pem,
    )?.[0];
  if (!certificatePem || !keyPem) {
    throw new Error(`${credential.path} must hold the certificate and its private key (PEM).`);
  }
  const der = new X509Certificate(certificatePem).raw;
  const keyObject = createPrivateKey({
    key: keyPem,
    ...(credential.password ? { passphrase: credential.password } : {}),
  });
  const key = await crypto.subtle.importKey(
    'pkcs8',
    keyObject.export({ type: 'pkcs8', format: 'der' }),
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const x5tS256 = createHash('sha256').update(der).digest('base64url');
  const x5t = createHash('sha1').update(der).digest('base64url');
  return oidc.PrivateKeyJwt(key, {
    [oidc.modifyAssertion]: (header, payload) => {
      // Entra finds the certificate by thumbprint (learn.microsoft.com, "certificate credentials").
      (header as Record<string, unknown>)['x5t#S256'] = x5tS256;
      (header as Record<string, unknown>).x5t = x5t;
      const audience = tokenEndpoint();
      if (audience) payload.aud = audience;
    },
  });
}
