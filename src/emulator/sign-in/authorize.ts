// GET /{tenant}/oauth2/v2.0/authorize and the answer to its page, POST /{tenant}/login
// (Entra's own sign-in form posts to /{tenant}/login). Rules, in Entra's order
// (v2-oauth2-auth-code-flow.md, reply-url.md):
//  - an unknown tenant, a missing or unknown client_id, a missing redirect_uri or one not
//    registered on the app: Entra's error page, never a redirect (AADSTS90002, 900144,
//    700016, 50011) — an unchecked redirect would be an open redirector;
//  - then errors go back to the redirect URI with `error`, `error_description`, `state`:
//    response_type must be `code`, `scope` present, PKCE with S256 required (stricter than
//    Entra: Guestlist must always send it), `prompt=none` is `login_required` (no
//    sessions here), only `response_mode=query`;
//  - the page lists the staff; the pick gives a single-use code bound to the request and
//    the person, the cancel gives `access_denied`. The page itself is single-use too.
import type { EmulatorState } from '../state.ts';
import { classifyTenant } from '../sts/metadata.ts';
import type { StsReply } from '../sts/routes.ts';
import { AADSTS } from '../sts/token-errors.ts';
import { issueCode, type SignInRequest, startSignIn, takeSignIn } from './codes.ts';
import { SIGN_IN_ERRORS as E, type SignInError } from './errors.ts';
import { errorPage, PAGE_HEADERS, pickAccountPage } from './page.ts';
import { listStaff } from './staff.ts';

/** RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function page(status: number, html: string): StsReply {
  return { status, body: html, headers: PAGE_HEADERS };
}

function errorPageReply(failure: { code: number; description: string }): StsReply {
  return page(400, errorPage(failure.code, failure.description));
}

export function redirectTo(target: string, params: Record<string, string | null>): StsReply {
  const url = new URL(target);
  for (const [name, value] of Object.entries(params)) if (value !== null) url.searchParams.set(name, value);
  return { status: 302, body: '', headers: { location: url.href, 'content-type': 'text/plain; charset=utf-8' } };
}

function errorRedirect(redirectUri: string, failure: SignInError, state: string | null, extra = {}): StsReply {
  return redirectTo(redirectUri, {
    error: failure.error,
    error_description: `AADSTS${failure.code}: ${failure.description}`,
    ...extra,
    state,
  });
}

export function authorize(state: EmulatorState, tenant: string, query: URLSearchParams): StsReply {
  if (classifyTenant(state, tenant).kind === 'unknown') return errorPageReply(AADSTS.tenantNotFound(tenant));
  const clientId = query.get('client_id');
  if (!clientId) return errorPageReply(E.missingParameter('client_id'));
  const app = state.apps.get(clientId);
  if (!app) return errorPageReply(AADSTS.appNotFound(clientId, state.tenantName));
  const redirectUri = query.get('redirect_uri');
  if (!redirectUri) return errorPageReply(E.missingParameter('redirect_uri'));
  // Entra compares the whole URI exactly (reply-url.md), query string included.
  if (!app.redirectUris.includes(redirectUri)) return errorPageReply(E.redirectMismatch(redirectUri, clientId));

  const returnedState = query.get('state');
  const fail = (failure: SignInError) => errorRedirect(redirectUri, failure, returnedState);
  const responseType = query.get('response_type');
  if (!responseType) return fail(E.missingParameter('response_type'));
  if (responseType !== 'code') return fail(E.unsupportedResponseType(responseType));
  const responseMode = query.get('response_mode');
  if (responseMode !== null && responseMode !== 'query') return fail(E.unsupportedResponseMode(responseMode));
  const scope = query.get('scope');
  if (!scope?.trim()) return fail(E.missingParameter('scope'));
  const codeChallenge = query.get('code_challenge');
  if (!codeChallenge) return fail(E.pkceRequired());
  const method = query.get('code_challenge_method') ?? 'plain';
  if (method !== 'S256') return fail(E.invalidChallengeMethod(method));
  if (!S256_CHALLENGE.test(codeChallenge)) return fail(E.invalidChallengeSize());
  if (query.get('prompt') === 'none') return fail(E.loginRequired());

  const request: SignInRequest = {
    clientId,
    redirectUri,
    scope: scope.trim(),
    state: returnedState,
    nonce: query.get('nonce'),
    codeChallenge,
  };
  const flow = startSignIn(state, request);
  return page(
    200,
    pickAccountPage({ tenantName: state.tenantName, action: `/${tenant}/login`, flow, staff: listStaff(state) }),
  );
}

export function answerSignIn(state: EmulatorState, tenant: string, form: URLSearchParams): StsReply {
  if (classifyTenant(state, tenant).kind === 'unknown') return errorPageReply(AADSTS.tenantNotFound(tenant));
  const pending = takeSignIn(state, form.get('flow') ?? '');
  if (!pending) return errorPageReply(E.pageExpired());
  if (form.has('cancel'))
    return errorRedirect(pending.redirectUri, E.cancelled(), pending.state, { error_subcode: 'cancel' });
  const userId = form.get('account') ?? '';
  const roles = state.staff.get(userId);
  const user = state.users.get(userId);
  if (!user || roles === undefined) return errorPageReply(E.unknownUser());
  if (!user.accountEnabled) return errorPageReply(E.accountDisabled());
  const code = issueCode(state, pending, { userId, roles });
  return redirectTo(pending.redirectUri, { code, state: pending.state });
}
