// The public's allowance of submissions: one budget per client address per minute, shared
// by every way of asking anonymously (the API's POST /access-requests and the form's POST
// /request), so switching between them buys nothing. Signed-in staff and token callers are
// let through before counting: they never use up the allowance of the people who share
// their address (an office's NAT, a proxy). Runs at onRequest, after the app's hook that
// names the caller (http/access.ts) and before any body is parsed.
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';

export type SubmissionLimit = onRequestAsyncHookHandler;

export function submissionLimit(app: FastifyInstance, perMinute: number): SubmissionLimit {
  return app.rateLimit({
    max: perMinute,
    timeWindow: 60_000,
    // Staff and tokens: a role. A person signed in without one (anyone in the tenant, or a
    // guest of it) is as anonymous as the public here.
    allowList: (request) => (request.principal?.role ?? null) !== null,
    keyGenerator: (request) => clientKey(request.ip),
  }) as SubmissionLimit;
}

/**
 * The client's address as the limit counts it. Some proxies (Azure Application Gateway, IIS
 * ARR) append `address:port` to X-Forwarded-For; a new port per connection must not make a
 * new client. IPv6 addresses count by their /56 (one customer's network), as @fastify/rate-limit does.
 */
export function clientKey(ip: string): string {
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(ip);
  const v6 = /^\[([0-9a-f:.]+)\](?::\d+)?$/i.exec(ip);
  return normalizeIP(v4?.[1] ?? v6?.[1] ?? ip);
}
