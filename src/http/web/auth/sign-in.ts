// Staff sign-in and sign-out: "Sign in with Microsoft" (OpenID Connect, authorization code
// with PKCE, through the IdentityProvider port: adapters/identity/openid.ts) and the
// break-glass local admin form. Every route is public (access.ts); what they guard is the
// session they start.
//
//   GET  /auth/signin?next=            the page: a Microsoft link, and the local form when a local admin exists
//   GET  /auth/signin/microsoft?next=  a new attempt (state, nonce, PKCE verifier) in a signed 10-minute cookie → 303 to Microsoft
//   GET  /auth/callback                the attempt's cookie is cleared at once (a replayed callback finds none),
//                                      the code redeemed, the ID token checked → a new session → 303 to `next`
//   POST /auth/local                   user name + password → a new admin session (rate-limited per address, locked per account)
//   POST /auth/signout                 the session deleted server-side, the cookie cleared → 303 to /auth/signedout
//   GET  /auth/signedout               "You are signed out", with a link to sign out of Microsoft too
//
// Each sign-in ends the browser's previous session and starts a new one (a new secret:
// rotation defeats session fixation). `next` is only ever a path on this site (safeNext).

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { type LocalAdminDeps, MAX_PASSWORD_LENGTH, signInLocal } from '../../../app/local-admins.ts';
import { recordStaffSignIn } from '../../../app/record-staff.ts';
import { endSession, type SessionDeps, type SignedInPerson, startSession } from '../../../app/sessions.ts';
import {
  APP_ROLES,
  IdentityProviderUnavailableError,
  roleFromAppRoles,
  SignInFailedError,
  safeNext,
} from '../../../domain/sign-in.ts';
import type { IdentityProvider, SignInAttempt, Store } from '../../../ports.ts';
import { sessionCookieName } from '../../auth.ts';
import { clientKey } from '../../submission-limit.ts';
import { csrfField, field } from '../components.ts';
import { CsrfToken } from '../forms.ts';
import { html, type Raw } from '../html.ts';
import { pageContext, renderPage, sendPage, type WebSettings } from '../render.ts';

/** How long a started "Sign in with Microsoft" may take (the attempt cookie's life). */
export const ATTEMPT_TTL_MS = 10 * 60_000;
/** Local sign-in attempts per client address per minute (on top of the per-account lockout). */
export const LOCAL_SIGN_INS_PER_MINUTE = 10;

export interface AuthDeps {
  web: WebSettings;
  /** Null when sign-in with Microsoft is not set up (only local admins can sign in). */
  identity: IdentityProvider | null;
  sessions: SessionDeps;
  local: LocalAdminDeps;
  /** Overrides LOCAL_SIGN_INS_PER_MINUTE (tests). */
  localSignInsPerMinute?: number;
  /** Where Entra sign-ins are kept as the staff directory (who gets an admin stage's emails). */
  store?: Store;
}

export function attemptCookieName(secure: boolean): string {
  return secure ? '__Host-guestlist-signin' : 'guestlist-signin';
}

const NextQuery = Type.Object({ next: Type.Optional(Type.String({ maxLength: 2000 })) });
const CallbackQuery = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 4000 })),
    state: Type.Optional(Type.String({ maxLength: 500 })),
    error: Type.Optional(Type.String({ maxLength: 200 })),
    error_description: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: true },
);
const LocalForm = Type.Object({
  username: Type.Optional(Type.String({ maxLength: 200 })),
  password: Type.Optional(Type.String({ maxLength: MAX_PASSWORD_LENGTH * 4 })),
  next: Type.Optional(Type.String({ maxLength: 2000 })),
  _csrf: CsrfToken,
});

/** What the attempt cookie holds (signed, so the browser can read but not change it). */
interface StoredAttempt extends SignInAttempt {
  next: string;
  /** When it started (ms since the epoch, by the app's clock). */
  at: number;
}

export const signInRoutes: FastifyPluginAsyncTypebox<AuthDeps> = async (app, deps) => {
  const { web } = deps;
  const secure = web.secureCookies;
  const sessionCookie = sessionCookieName(secure);
  const attemptCookie = attemptCookieName(secure);
  const cookieBase = { path: '/', httpOnly: true, sameSite: 'lax', secure } as const;

  /** Ends the browser's current session, if any, then starts one for `person` and sets its cookie. */
  async function signInAs(request: FastifyRequest, reply: FastifyReply, person: SignedInPerson): Promise<void> {
    const previous = request.cookies[sessionCookie];
    if (previous) await endSession(deps.sessions, previous);
    const secret = await startSession(deps.sessions, person);
    reply.setCookie(sessionCookie, secret, {
      ...cookieBase,
      // The browser may forget it sooner (idle end is the server's); never keeps it longer.
      maxAge: Math.floor(deps.sessions.settings.maxMs / 1000),
    });
  }

  function signInPage(
    request: FastifyRequest,
    reply: FastifyReply,
    input: { next: string; hasLocalAdmins: boolean; error?: string; username?: string },
    status = 200,
  ) {
    const ctx = pageContext(web, request, reply);
    const signedInAs = request.principal
      ? html`<p>You are signed in as ${request.principal.name}. Signing in again replaces that session.</p>`
      : html``;
    const microsoft = deps.identity
      ? html`<p><a class="button" href="/auth/signin/microsoft?next=${encodeURIComponent(input.next)}">Sign in with Microsoft</a></p>
        <p class="hint">Use your work account. Your organization's administrator decides who may approve requests
        (the <strong>${APP_ROLES.approver}</strong> and <strong>${APP_ROLES.admin}</strong> app roles).</p>`
      : html`<p>Sign-in with Microsoft is not set up on this server.</p>`;
    const local = input.hasLocalAdmins
      ? html`<section aria-labelledby="local-heading" class="break-glass">
          <h2 id="local-heading">Break-glass local admin</h2>
          <p>Only for when Microsoft sign-in is unavailable, or before it is set up. Every sign-in here is logged.</p>
          ${input.error ? html`<p class="error" role="alert" id="local-error">${input.error}</p>` : html``}
          <form method="post" action="/auth/local">
            ${csrfField(ctx.csrfToken)}
            <input type="hidden" name="next" value="${input.next}">
            ${field({ name: 'username', label: 'User name', value: input.username, required: true, autocomplete: 'username', maxLength: 64 })}
            ${field({ name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password', maxLength: MAX_PASSWORD_LENGTH })}
            <button type="submit">Sign in as local admin</button>
          </form>
        </section>`
      : html``;
    return sendPage(
      reply,
      ctx,
      { title: 'Sign in', body: html`<h1>Sign in to the console</h1>${signedInAs}${microsoft}${local}` },
      status,
    );
  }

  function problemPage(
    request: FastifyRequest,
    reply: FastifyReply,
    input: { title: string; message: string; next: string; status: number },
  ) {
    const retry = `/auth/signin?next=${encodeURIComponent(input.next)}`;
    return renderPage(
      web,
      request,
      reply,
      {
        title: input.title,
        body: html`<h1>${input.title}</h1><p>${input.message}</p>
          <p><a class="button" href="${retry}">Try again</a></p>`,
      },
      input.status,
    );
  }

  const unavailable = (request: FastifyRequest, reply: FastifyReply, error: Error, next: string) =>
    problemPage(request, reply, {
      title: 'Microsoft sign-in is unavailable',
      message: `${error.message}`,
      next,
      status: 503,
    });

  app.get('/auth/signin', { schema: { querystring: NextQuery } }, async (request, reply) =>
    signInPage(request, reply, {
      next: safeNext(request.query.next),
      hasLocalAdmins: (await deps.local.localAdmins.count()) > 0,
    }),
  );

  app.get('/auth/signin/microsoft', { schema: { querystring: NextQuery } }, async (request, reply) => {
    const next = safeNext(request.query.next);
    if (!deps.identity) {
      return problemPage(request, reply, {
        title: 'Sign-in with Microsoft is not set up',
        message: 'This server has no Microsoft Entra app registration configured for sign-in.',
        next,
        status: 404,
      });
    }
    let begun: Awaited<ReturnType<IdentityProvider['begin']>>;
    try {
      begun = await deps.identity.begin();
    } catch (error) {
      if (error instanceof IdentityProviderUnavailableError) return unavailable(request, reply, error, next);
      throw error;
    }
    const stored: StoredAttempt = { ...begun.attempt, next, at: deps.sessions.clock.now().getTime() };
    reply.setCookie(attemptCookie, Buffer.from(JSON.stringify(stored)).toString('base64url'), {
      ...cookieBase,
      signed: true,
      maxAge: ATTEMPT_TTL_MS / 1000,
    });
    return reply.header('cache-control', 'no-store').redirect(begun.url.href, 303);
  });

  app.get('/auth/callback', { schema: { querystring: CallbackQuery } }, async (request, reply) => {
    // Whatever happens next, this attempt is used up: a replayed callback finds no cookie.
    const attempt = readAttempt(request, attemptCookie, deps.sessions.clock.now().getTime());
    reply.clearCookie(attemptCookie, cookieBase);
    const next = attempt?.next ?? safeNext(null);
    const query = request.query;
    const fail = (reason: string, message: string, title = 'Sign-in did not work') => {
      request.log.warn({ via: 'entra', reason, detail: message }, 'sign-in with Microsoft failed');
      return problemPage(request, reply, { title, message, next, status: 400 });
    };
    if (query.error === 'access_denied') {
      return fail(
        'access_denied',
        'Sign-in was cancelled, or Microsoft refused it. Nothing was changed.',
        'Sign-in was cancelled',
      );
    }
    if (!deps.identity) return fail('not_configured', 'Sign-in with Microsoft is not set up on this server.');
    if (!attempt) {
      return fail(
        'no_attempt',
        'This sign-in link has already been used, has expired, or was started in another browser. Start again.',
      );
    }
    if (query.state !== attempt.state) {
      return fail(
        'state_mismatch',
        'This answer from Microsoft does not belong to the sign-in started here. Start again.',
      );
    }
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (typeof value === 'string') params.set(name, value);
    let claims: Awaited<ReturnType<IdentityProvider['complete']>>;
    try {
      claims = await deps.identity.complete(params, attempt);
    } catch (error) {
      if (error instanceof IdentityProviderUnavailableError) return unavailable(request, reply, error, next);
      if (error instanceof SignInFailedError) return fail(error.reason, error.message);
      throw error;
    }
    const role = roleFromAppRoles(claims.roles);
    await signInAs(request, reply, {
      via: 'entra',
      subject: claims.objectId,
      name: claims.name,
      email: claims.email,
      role,
    });
    request.log.info({ via: 'entra', oid: claims.objectId, role }, 'signed in with Microsoft');
    if (deps.store) {
      const member = { oid: claims.objectId, name: claims.name, email: claims.email, role };
      await recordStaffSignIn({ store: deps.store, clock: deps.sessions.clock }, member);
    }
    // A person without a role lands on the 403 page that says which app role to ask for.
    return reply.header('cache-control', 'no-store').redirect(next, 303);
  });

  app.post(
    '/auth/local',
    {
      schema: { body: LocalForm },
      config: {
        rateLimit: {
          max: deps.localSignInsPerMinute ?? LOCAL_SIGN_INS_PER_MINUTE,
          timeWindow: 60_000,
          // As the submission limit counts: `address:port` (App Service) is one client, not one per port.
          keyGenerator: (request: FastifyRequest) => clientKey(request.ip),
        },
      },
    },
    async (request, reply) => {
      const next = safeNext(request.body.next);
      const username = (request.body.username ?? '').trim();
      const password = request.body.password ?? '';
      const hasLocalAdmins = (await deps.local.localAdmins.count()) > 0;
      if (username === '' || password === '') {
        return signInPage(
          request,
          reply,
          { next, hasLocalAdmins, username, error: 'Enter your user name and password.' },
          400,
        );
      }
      const result = await signInLocal({ ...deps.local, logger: request.log }, { username, password });
      if (!result.ok) {
        // One message for every failure: it tells nobody which user names exist, or which are locked.
        return signInPage(
          request,
          reply,
          { next, hasLocalAdmins, username, error: 'The user name or password is wrong.' },
          401,
        );
      }
      await signInAs(request, reply, result.person);
      return reply.header('cache-control', 'no-store').redirect(next, 303);
    },
  );

  app.post('/auth/signout', async (request, reply) => {
    const secret = request.cookies[sessionCookie];
    const via = request.principal?.actor.kind === 'person' ? request.principal.actor.via : null;
    if (secret) await endSession(deps.sessions, secret);
    reply.clearCookie(sessionCookie, cookieBase);
    if (request.principal) request.log.info({ via }, 'signed out');
    return reply.redirect(via === 'entra' ? '/auth/signedout?from=microsoft' : '/auth/signedout', 303);
  });

  app.get(
    '/auth/signedout',
    { schema: { querystring: Type.Object({ from: Type.Optional(Type.String({ maxLength: 20 })) }) } },
    async (request, reply) => {
      let microsoft: Raw = html``;
      if (request.query.from === 'microsoft' && deps.identity) {
        const url = await deps.identity.signOutUrl();
        if (url) {
          microsoft = html`<p>You may still be signed in to your Microsoft account in this browser.
            <a href="${url.href}">Sign out of Microsoft too</a> on a shared computer.</p>`;
        }
      }
      return renderPage(web, request, reply, {
        title: 'Signed out',
        body: html`<h1>You are signed out</h1>${microsoft}<p><a href="/auth/signin">Sign in again</a></p>`,
      });
    },
  );
};

/** The attempt in the signed cookie, if it is there, untampered and not older than ATTEMPT_TTL_MS. */
function readAttempt(request: FastifyRequest, name: string, now: number): StoredAttempt | null {
  const raw = request.cookies[name];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return null;
  try {
    const value = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as Partial<StoredAttempt>;
    if (
      typeof value.state !== 'string' ||
      typeof value.nonce !== 'string' ||
      typeof value.codeVerifier !== 'string' ||
      typeof value.at !== 'number' ||
      now - value.at > ATTEMPT_TTL_MS ||
      now < value.at - 60_000
    ) {
      return null;
    }
    return {
      state: value.state,
      nonce: value.nonce,
      codeVerifier: value.codeVerifier,
      next: safeNext(value.next),
      at: value.at,
    };
  } catch {
    return null;
  }
}
