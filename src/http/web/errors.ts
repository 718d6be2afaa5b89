// The web pages' error handler: the same classification as the API (http/problems.ts),
// rendered as a page. A page that needs a signed-in person sends the browser to sign in
// (and back afterwards); a signed-in person without the role gets a page that says which
// role and where it is assigned. Clients that do not ask for HTML (curl, monitors) get
// problem+json, so a script never has to parse a page.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../../domain/errors.ts';
import { sendProblem, toProblem } from '../problems.ts';
import { html } from './html.ts';
import { renderPage, type WebSettings } from './render.ts';

/** Where a refused GET is sent to sign in; `next` brings the person back. */
export function signInUrl(next: string): string {
  return `/auth/signin?next=${encodeURIComponent(next)}`;
}

export function sendErrorPage(web: WebSettings, error: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (!wantsHtml(request)) return sendProblem(error, request, reply);
  const problem = toProblem(error);
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  if (error instanceof UnauthorizedError && request.method === 'GET') {
    return reply.redirect(signInUrl(request.url), 303);
  }
  let body = html`<h1>${problem.title}</h1><p>${problem.detail}</p>`;
  if (error instanceof UnauthorizedError) {
    body = html`<h1>Please sign in</h1><p>Your session has ended. <a href="${signInUrl('/admin')}">Sign in</a> and try again.</p>`;
  } else if (error instanceof ForbiddenError && request.principal && request.principal.role === null) {
    body = html`<h1>No access to the console</h1>
      <p>You are signed in as ${request.principal.name}, but you hold no Guestlist role. An administrator
      of your organization assigns the <strong>Guestlist.Approver</strong> or <strong>Guestlist.Admin</strong>
      app role to you in Microsoft Entra (Enterprise applications → Guestlist → Users and groups).</p>`;
  } else if (problem.status === 429) {
    body = html`<h1>Please wait a moment</h1>
      <p>We have received many requests from your network in a short time, so this one was not sent.
      Wait a minute, then try again.</p>`;
  } else if (problem.status === 404) {
    body = html`<h1>Page not found</h1><p>There is nothing at this address. <a href="/">Go to the start page</a>.</p>`;
  }
  return renderPage(web, request, reply, { title: problem.title, body }, problem.status);
}

function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html') || (request.method === 'POST' && isFormPost(request));
}

function isFormPost(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}
