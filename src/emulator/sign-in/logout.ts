// GET /{tenant}/oauth2/v2.0/logout (v2-protocols-oidc.md, "Send a sign-out request").
// There is no sign-in session to end here. `post_logout_redirect_uri` is followed only when
// it is a redirect URI registered on the app named by `client_id` (or, without client_id,
// on any app in the tenant), so the endpoint is no open redirector; otherwise Entra's
// "You signed out" page is shown. `state` is passed back, as OIDC RP-initiated logout does.
import type { EmulatorState } from '../state.ts';
import { classifyTenant } from '../sts/metadata.ts';
import type { StsReply } from '../sts/routes.ts';
import { AADSTS } from '../sts/token-errors.ts';
import { page, redirectTo } from './authorize.ts';
import { errorPage, signedOutPage } from './page.ts';

export function logout(state: EmulatorState, tenant: string, query: URLSearchParams): StsReply {
  if (classifyTenant(state, tenant).kind === 'unknown') {
    const failure = AADSTS.tenantNotFound(tenant);
    return page(400, errorPage(failure.code, failure.description));
  }
  const target = query.get('post_logout_redirect_uri');
  const clientId = query.get('client_id');
  const apps = clientId === null ? [...state.apps.values()] : [state.apps.get(clientId)].filter((app) => app);
  if (target && apps.some((app) => app?.redirectUris.includes(target))) {
    return redirectTo(target, { state: query.get('state') });
  }
  return page(200, signedOutPage());
}
