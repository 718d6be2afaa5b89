// Calls Guestlist makes to other people's servers (webhooks, the Teams channel): which
// URLs it accepts, and how a failed call is described to the job runner.

/** Hosts that only this machine can reach: plain http is accepted for them in the sandbox. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why `text` cannot be a delivery URL, or null when it can. https only: an event carries
 * names and addresses, and its signature proves who sent it but not that nobody read it.
 * With `allowLocalHttp` (the sandbox, tests), http://localhost is accepted as well.
 */
export function outboundUrlProblem(text: string, allowLocalHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Enter a full URL, starting with https://.';
  }
  if (url.username || url.password) return 'The URL must not carry a user name or password.';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && allowLocalHttp && LOCAL_HOSTS.has(url.hostname)) return null;
  return allowLocalHttp
    ? 'The URL must start with https:// (http:// only for localhost in the sandbox).'
    : 'The URL must start with https://.';
}

/**
 * A call to another server that did not succeed. `transient`: worth trying again (a
 * timeout, a refused connection, 408, 429, 5xx); `retryAfterMs` when the server said how
 * long to wait. The message names the status or the network error, never the URL (a
 * Workflows URL carries its own signature) nor anything the server answered.
 */
export class OutboundHttpError extends Error {
  readonly status: number | null;
  readonly transient: boolean;
  readonly retryAfterMs: number | null;
  constructor(message: string, options: { status: number | null; transient: boolean; retryAfterMs?: number | null }) {
    super(message);
    this.name = 'OutboundHttpError';
    this.status = options.status;
    this.transient = options.transient;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

/** Whether an answer with this status is worth trying again later. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Retry-After in milliseconds (seconds or an HTTP date), or null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}
