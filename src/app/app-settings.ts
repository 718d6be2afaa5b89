// What provisioning is told for one request: the global settings (config.ts → main.ts) with
// the request's app's redirect URL, groups, app role and access duration in place of the
// environment's (GUESTLIST_APP_URL, GUESTLIST_GROUP_IDS). The default app carries the
// environment's own, so a deployment without a catalogue provisions exactly as before.
import type { AccessRequest } from '../domain/lifecycle.ts';
import type { Store } from '../ports.ts';
import type { Catalogue } from './app-catalogue.ts';
import type { ProvisioningSettings } from './provision-settings.ts';

export async function settingsForRequest(
  deps: { store: Pick<Store, 'getRequest'>; catalogue: Catalogue; provisioning: ProvisioningSettings },
  requestId: string,
): Promise<ProvisioningSettings> {
  const request = await deps.store.getRequest(requestId);
  return request ? settingsForApp(deps, request) : deps.provisioning;
}

export async function settingsForApp(
  deps: { catalogue: Catalogue; provisioning: ProvisioningSettings },
  request: Pick<AccessRequest, 'appId'>,
): Promise<ProvisioningSettings> {
  const app = await deps.catalogue.get(request.appId);
  // An app id the catalogue does not know (a row older than its app, or a bug): the
  // environment's settings, as before the catalogue, rather than no groups at all.
  if (!app) return deps.provisioning;
  return {
    ...deps.provisioning,
    redirectUrl: app.redirectUrl,
    groupIds: app.groupIds,
    appRole: app.appRole,
    access: app.access,
  };
}
