// POSTs to other people's servers: webhook deliveries (signed as the Standard Webhooks
// spec says, with the `standardwebhooks` reference library) and Teams Workflows posts.
// Called only from jobs, after the transaction that queued them committed (invariant 2).
//   - a 10 s timeout for the whole exchange: a receiver that hangs costs one worker slot
//     for 10 s, not until the lease runs out;
//   - redirects are not followed (a redirect could point anywhere, including inside our
//     network); a 3xx is recorded as a failed attempt, and the admin registers the new URL;
//   - the answer's body is never read, kept or logged: only its status and Retry-After.
import { Webhook } from 'standardwebhooks';
import { OutboundHttpError } from '../../domain/outbound.ts';
import type { OutboundAnswer, OutboundHttp } from '../../ports.ts';

export const OUTBOUND_TIMEOUT_MS = 10_000;

export function createOutboundHttp(
  options: { timeoutMs?: number; userAgent?: string; fetch?: typeof fetch } = {},
): OutboundHttp {
  const timeoutMs = options.timeoutMs ?? OUTBOUND_TIMEOUT_MS;
  const send = options.fetch ?? fetch;
  const userAgent = options.userAgent ?? 'Guestlist-Webhooks/1';

  async function post(url: string, body: string, headers: Record<string, string>): Promise<OutboundAnswer> {
    let response: Response;
    try {
      response = await send(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'user-agent': userAgent, ...headers },
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new OutboundHttpError(describeNetworkError(error, timeoutMs), { status: null, transient: true });
    }
    // Release the connection without reading what the receiver said.
    await response.body?.cancel().catch(() => {});
    return { status: response.status, retryAfter: response.headers.get('retry-after') };
  }

  return {
    postJson: (url, body) => post(url, body, {}),
    postSigned: ({ url, secret, messageId, timestamp, body }) => {
      const seconds = Math.floor(timestamp.getTime() / 1000);
      // The library signs `${id}.${seconds}.${body}` with the base64 key after `whsec_`.
      const signature = new Webhook(secret).sign(messageId, new Date(seconds * 1000), body);
      return post(url, body, {
        'webhook-id': messageId,
        'webhook-timestamp': String(seconds),
        'webhook-signature': signature,
      });
    },
  };
}

/** The kind of failure, never the URL (a Workflows URL carries its own signature) nor an address. */
function describeNetworkError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: unknown } } | null;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `No answer within ${timeoutMs / 1000} s.`;
  const code = typeof e?.cause?.code === 'string' ? e.cause.code : null;
  return code ? `Could not connect (${code}).` : 'Could not connect.';
}
