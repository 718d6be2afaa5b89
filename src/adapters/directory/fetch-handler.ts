// The last link of the Graph client's middleware chain: it sends the request. It replaces
// the SDK's HTTPMessageHandler (which calls the global fetch) for two reasons:
//   - trust: in sandbox mode the emulator runs in-process with its own CA, so
//     NODE_EXTRA_CA_CERTS (read once at process start) cannot help; an undici Agent with
//     that CA added to Node's default list can;
//   - naming failures: the Graph client keeps only the name and message of what is thrown
//     here (GraphErrorHandler.constructError), so we give a network failure a name and a
//     message that says what actually failed ("fetch failed" alone helps nobody).
// Being the one place every Graph call passes, it is also where calls are counted for
// metrics (by templated path and status; GraphMetrics in ports.ts).
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { Agent, fetch as undiciFetch } from 'undici';
import type { GraphMetrics } from '../../ports.ts';
import { graphEndpoint } from './graph-endpoint.ts';

export const TIMEOUT_ERROR_NAME = 'TimeoutError';
export const NETWORK_ERROR_NAME = 'NetworkError';

/** Node's default trusted CAs (bundled, NODE_EXTRA_CA_CERTS, system when enabled) plus `ca`. */
export function trustedCas(ca: string): string[] {
  // tls.getCACertificates() arrived in Node 22.15; before it, the bundled roots are what
  // there is (the extra CA is only ever the sandbox emulator's, which needs no others).
  const defaults =
    typeof tls.getCACertificates === 'function' ? tls.getCACertificates('default') : tls.rootCertificates;
  return [...defaults, ca];
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Global fetch, or undici's own fetch through an Agent that also trusts `ca`. */
export function createFetch(ca: string | undefined): FetchLike {
  if (!ca) return (url, init) => fetch(url, init);
  // undici's own fetch with its own Agent: a userland Agent handed to Node's global fetch
  // works only while both undici versions agree, which Node upgrades may break.
  const dispatcher = new Agent({ connect: { ca: trustedCas(ca) } });
  return (url, init) => undiciFetch(url, { ...(init as object), dispatcher }) as unknown as Promise<Response>;
}

export function timeoutError(ms: number): Error {
  const err = new Error(`Microsoft Graph did not answer within ${ms} ms.`);
  err.name = TIMEOUT_ERROR_NAME;
  return err;
}

export class FetchHandler implements Middleware {
  readonly #fetch: FetchLike;
  readonly #metrics: GraphMetrics | undefined;

  constructor(fetchImpl: FetchLike, metrics?: GraphMetrics) {
    this.#fetch = fetchImpl;
    this.#metrics = metrics;
  }

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const init = (context.options ?? {}) as RequestInit;
    const started = performance.now();
    const count = (status: string) =>
      this.#metrics?.graphCall({
        method: (init.method ?? 'GET').toUpperCase(),
        endpoint: graphEndpoint(url),
        status,
        seconds: (performance.now() - started) / 1000,
      });
    try {
      context.response = await this.#fetch(url, init);
      count(String(context.response.status));
    } catch (err) {
      // Aborted by our timeout: fetch rejects with the abort reason, already named.
      if (init.signal?.aborted) {
        count('timeout');
        throw init.signal.reason;
      }
      count('network');
      throw networkError(url, err);
    }
  }

  setNext(): void {
    // The last handler: nothing comes after it.
  }
}

export function networkError(url: string, err: unknown): Error {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  // e.g. "UNABLE_TO_VERIFY_LEAF_SIGNATURE (unable to verify the first certificate)"
  const detail = cause?.code
    ? `${cause.code}${cause.message ? ` (${cause.message})` : ''}`
    : (cause?.message ?? (err instanceof Error ? err.message : String(err)));
  const wrapped = new Error(`Could not reach ${new URL(url).origin}: ${detail}`, { cause: err });
  wrapped.name = NETWORK_ERROR_NAME;
  return wrapped;
}
