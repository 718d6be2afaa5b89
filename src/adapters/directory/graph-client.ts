// The Microsoft Graph JS client as Guestlist uses it: our own middleware chain, a timeout
// on every call, and every failure classified once (classifyGraphError).
import type { TokenCredential } from '@azure/identity';
import { AuthenticationHandler, Client, type GraphRequest, TelemetryHandler } from '@microsoft/microsoft-graph-client';
// In native ESM the provider is only reachable by this file path (the package has no
// "exports" map; reference/microsoft-graph.md, "The SDKs' traps").
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import type { EntraConfig } from '../../config.ts';
import { classifyGraphError } from './classify-graph-error.ts';
import { createCredential, graphScope } from './credential.ts';
import { createFetch, FetchHandler, timeoutError } from './fetch-handler.ts';

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface GraphClientInput {
  entra: EntraConfig;
  /** A PEM to trust besides Node's default CAs (the in-process emulator's). */
  ca?: string | undefined;
  timeoutMs?: number | undefined;
  /** Defaults to createCredential(entra, { ca }). */
  credential?: TokenCredential | undefined;
}

/** Starts a request on the Graph client, already bound to the call's abort signal. */
export type Api = (path: string) => GraphRequest;

export interface GraphClient {
  /** Runs one Graph call; throws a classified DirectoryError. */
  call<T>(work: (api: Api) => Promise<T>): Promise<T>;
  /** `<graph url>/v1.0`, for `@odata.id` references. */
  readonly versionUrl: string;
}

export function createGraphClient(input: GraphClientInput): GraphClient {
  const { entra, ca } = input;
  const timeoutMs = input.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const credential = input.credential ?? createCredential(entra, { ca });
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [graphScope(entra.graphUrl)] });
  const client = Client.initWithMiddleware({
    // No RetryHandler: it retries 429/503/504 up to 3 times, POST included, so one
    // POST /invitations could mail a guest twice. Guestlist's job runner owns retries
    // (after looking the person up again). No RedirectHandler either: Graph's JSON API
    // does not redirect, and a redirect elsewhere must not carry our token.
    middleware: [new AuthenticationHandler(authProvider), new TelemetryHandler(), new FetchHandler(createFetch(ca))],
    baseUrl: entra.graphUrl,
    defaultVersion: 'v1.0',
    // The client attaches the bearer token only for https URLs on a known Graph host or
    // on a host listed here (port ignored); any other host gets the call UNAUTHENTICATED.
    customHosts: new Set([new URL(entra.graphUrl).hostname.toLowerCase()]),
  });

  return {
    versionUrl: `${entra.graphUrl}/v1.0`,
    async call<T>(work: (api: Api) => Promise<T>): Promise<T> {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(timeoutError(timeoutMs)), timeoutMs);
      // The signal aborts the HTTP request; the race also bounds the token request, which
      // the Graph client gives no signal to (TokenCredentialAuthenticationProvider).
      const aborted = new Promise<never>((_, reject) => {
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
      });
      try {
        return await Promise.race([work((path) => client.api(path).option('signal', controller.signal)), aborted]);
      } catch (err) {
        throw classifyGraphError(err);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
