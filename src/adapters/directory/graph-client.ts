// The Microsoft Graph JS client as Guestlist uses it: our own middleware chain, a timeout
// on every call, every failure classified once (classifyGraphError), and the token asked
// for by us, before the call:
//   - the Graph client keeps only the name and message of an error thrown by its auth
//     provider (GraphErrorHandler.constructError), losing the token endpoint's HTTP status
//     and OAuth `error` that say whether the refusal will pass; asked for here, the raw
//     error reaches the classifier;
//   - after a 403 Authorization_RequestDenied the app's permissions may have changed since
//     its token was issued (its `roles` claim is the permissions at issue time), and
//     @azure/identity caches a token for about an hour with no public way to skip the
//     cache: the credential is rebuilt, once per such 403, so the next call gets a token
//     that carries the permissions granted now.
import type { TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  AuthenticationHandlerOptions,
  type AuthenticationProvider,
  Client,
  type GraphRequest,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import type { EntraConfig } from '../../config.ts';
import type { GraphMetrics } from '../../ports.ts';
import { classifyGraphError } from './classify-graph-error.ts';
import { createCredential, graphScope } from './credential.ts';
import { createFetch, FetchHandler, timeoutError } from './fetch-handler.ts';

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface GraphClientInput {
  entra: EntraConfig;
  /** A PEM to trust besides Node's default CAs (the in-process emulator's). */
  ca?: string | undefined;
  timeoutMs?: number | undefined;
  /** Defaults to createCredential(entra, { ca }), rebuilt after a 403 (a given one is kept). */
  credential?: TokenCredential | undefined;
  /** Counts each call (fetch-handler.ts); nothing is counted without it. */
  metrics?: GraphMetrics | undefined;
}

/** Starts a request on the Graph client, already bound to the call's abort signal. */
export type Api = (path: string) => GraphRequest;

export interface GraphClient {
  /**
   * Runs one Graph call; throws a classified DirectoryError. `optional`: a call that needs
   * a permission Guestlist can do without, whose 403 says nothing about the token.
   */
  call<T>(work: (api: Api) => Promise<T>, options?: { optional?: boolean }): Promise<T>;
  /** `<graph url>/v1.0`, for `@odata.id` references. */
  readonly versionUrl: string;
}

export function createGraphClient(input: GraphClientInput): GraphClient {
  const { entra, ca } = input;
  const timeoutMs = input.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const scope = graphScope(entra.graphUrl);
  const newCredential = () => input.credential ?? createCredential(entra, { ca });
  let credential = newCredential();
  const getToken = async (from: TokenCredential, abortSignal?: AbortSignal): Promise<string> => {
    const token = await from.getToken(scope, abortSignal ? { abortSignal } : {});
    if (!token) throw new Error('The credential returned no token.');
    return token.token;
  };
  // Used only by a request that did not bring its own token (every call() does).
  const authProvider: AuthenticationProvider = { getAccessToken: () => getToken(credential) };
  const client = Client.initWithMiddleware({
    // No RetryHandler: it retries 429/503/504 up to 3 times, POST included, so one
    // POST /invitations could mail a guest twice. Guestlist's job runner owns retries
    // (after looking the person up again). No RedirectHandler either: Graph's JSON API
    // does not redirect, and a redirect elsewhere must not carry our token.
    middleware: [
      new AuthenticationHandler(authProvider),
      new TelemetryHandler(),
      new FetchHandler(createFetch(ca), input.metrics),
    ],
    baseUrl: entra.graphUrl,
    defaultVersion: 'v1.0',
    // The client attaches the bearer token only for https URLs on a known Graph host or
    // on a host listed here (port ignored); any other host gets the call UNAUTHENTICATED.
    customHosts: new Set([new URL(entra.graphUrl).hostname.toLowerCase()]),
  });

  return {
    versionUrl: `${entra.graphUrl}/v1.0`,
    async call<T>(work: (api: Api) => Promise<T>, options?: { optional?: boolean }): Promise<T> {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(timeoutError(timeoutMs)), timeoutMs);
      // The signal aborts the token and HTTP requests; the race bounds them even where a
      // signal is not honoured.
      const aborted = new Promise<never>((_, reject) => {
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
      });
      const used = credential;
      try {
        const token = await Promise.race([getToken(used, controller.signal), aborted]);
        const auth = [new AuthenticationHandlerOptions({ getAccessToken: async () => token })];
        const api: Api = (path) => client.api(path).option('signal', controller.signal).middlewareOptions(auth);
        return await Promise.race([work(api), aborted]);
      } catch (err) {
        const error = classifyGraphError(err);
        // Once per 403: concurrent calls that met it with the same credential rebuild it once.
        const denied = error.graphCode === 'Authorization_RequestDenied' && !options?.optional;
        if (denied && used === credential) credential = newCredential();
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
