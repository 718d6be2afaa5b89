// Sending a page: the layout's context for this request (who is signed in, a CSRF token
// for its forms), and the headers every page carries.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { type PageContext, type PageInput, page } from './layout.ts';

/** What every web route may need to know of the configuration. */
export interface WebSettings {
  sandbox: boolean;
  branding: Config['branding'];
  /** Where Guestlist is reached (links in emails, sign-in's redirect URI). */
  publicUrl: string;
  /** Where a redeemed invitation lands (GUESTLIST_APP_URL, or the sandbox's /welcome): the status page links there. */
  appUrl: string;
  /** The public URL is https: cookies are Secure and `__Host-` prefixed. */
  secureCookies: boolean;
}

export function pageContext(web: WebSettings, request: FastifyRequest, reply: FastifyReply): PageContext {
  return {
    sandbox: web.sandbox,
    branding: web.branding,
    principal: request.principal,
    csrfToken: reply.generateCsrf(),
  };
}

/**
 * Sends a page. Pages are never cached: they show personal data and carry CSRF tokens.
 * (Referrer-Policy: no-referrer comes from helmet, for every answer: links carry secrets.)
 */
export function sendPage(reply: FastifyReply, ctx: PageContext, input: PageInput, status = 200): FastifyReply {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(page(ctx, input));
}

/** Both at once, for pages that need no token of their own in the body. */
export function renderPage(
  web: WebSettings,
  request: FastifyRequest,
  reply: FastifyReply,
  input: PageInput,
  status = 200,
): FastifyReply {
  return sendPage(reply, pageContext(web, request, reply), input, status);
}
