// Which app an email speaks of: the request's own (the catalogue, app/app-catalogue.ts),
// named in the subject and body, with its URL for "sign in at"; the organization's name,
// logo and accent stay the deployment's. Without a catalogue (tests, older wiring) or when
// the app is gone, the configured default (GUESTLIST_APP_NAME) is used.
import type { Catalogue } from './app-catalogue.ts';
import type { EmailBranding } from './email-shell.ts';

export interface AppBrandingDeps {
  branding: EmailBranding;
  catalogue?: Catalogue | undefined;
}

export async function brandingForApp(
  deps: AppBrandingDeps,
  appId: string,
): Promise<{ branding: EmailBranding; appUrl: string | null }> {
  const app = deps.catalogue ? await deps.catalogue.get(appId) : null;
  if (!app) return { branding: deps.branding, appUrl: null };
  return { branding: { ...deps.branding, appName: app.name }, appUrl: app.redirectUrl };
}
