// The catalogue as the use cases see it: the stored apps (from the configuration file and
// the console) plus the default app. The default app is what a deployment configured only
// by environment variables always had: GUESTLIST_APP_URL, GUESTLIST_GROUP_IDS and
// GUESTLIST_APP_NAME, no questions, the default policy. It is never stored (its settings
// live in the environment and may change at any restart); every request made before the
// catalogue belongs to it (migrations/0013), so it is always found by id. People may ask
// for it only while no app is declared anywhere: once one is, the catalogue is what it says.
import { DEFAULT_POLICY } from '../domain/approval-policy.ts';
import { type App, DEFAULT_APP_ID } from '../domain/apps.ts';
import { ValidationError } from '../domain/errors.ts';
import type { Store } from '../ports.ts';

/** The default app's URL part: /request/default. Declared apps may not take it. */
export const DEFAULT_APP_SLUG = 'default';

export interface DefaultAppSettings {
  /** GUESTLIST_APP_NAME. */
  name: string;
  /** GUESTLIST_APP_URL, or the sandbox's welcome page. */
  redirectUrl: string;
  /** GUESTLIST_GROUP_IDS (the sandbox's groups in sandbox mode). */
  groupIds: readonly string[];
}

/** The default app, built from the environment's settings. */
export function defaultApp(settings: DefaultAppSettings): App {
  return {
    id: DEFAULT_APP_ID,
    slug: DEFAULT_APP_SLUG,
    name: settings.name,
    description: '',
    redirectUrl: settings.redirectUrl,
    groupIds: settings.groupIds,
    appRole: null,
    questions: [],
    requesters: { kind: 'anyone' },
    policy: DEFAULT_POLICY,
    access: { kind: 'never' },
    teamsWebhookUrl: null,
    // Whether people may ask for it is decided by listOpen (no app declared anywhere).
    open: true,
    source: 'file',
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
}

export interface Catalogue {
  /** The app with this id, the default app included; null when there is none. */
  get(id: string): Promise<App | null>;
  /** The app at /request/{slug}, the default app included; null when there is none. */
  bySlug(slug: string): Promise<App | null>;
  /** What people may ask for now: the open declared apps, or the default app alone when none is declared. */
  listOpen(): Promise<App[]>;
  /** Every app: the default app first (shown closed once others are declared), then the stored ones by name. */
  listAll(): Promise<App[]>;
  /** The default app as it stands (open only while no app is declared). */
  defaultApp(): Promise<App>;
  /**
   * The open app a submission names by slug; naming none, the one app offered (the default
   * app while nothing is declared). Throws ValidationError at `/app` otherwise.
   */
  forSubmission(slug: string | undefined): Promise<App>;
  /** Each app's slug by id (for views); an id no app has reads as itself. */
  slugs(): Promise<(appId: string) => string>;
}

export function createCatalogue(deps: {
  store: Pick<Store, 'listApps' | 'getApp' | 'getAppBySlug'>;
  defaultApp: App;
}): Catalogue {
  const { store } = deps;
  const standingDefault = async (): Promise<App> => {
    const declared = await store.listApps();
    return { ...deps.defaultApp, open: declared.length === 0 };
  };
  return {
    async get(id) {
      return id === DEFAULT_APP_ID ? standingDefault() : store.getApp(id);
    },
    async bySlug(slug) {
      return slug === DEFAULT_APP_SLUG ? standingDefault() : store.getAppBySlug(slug);
    },
    async listOpen() {
      const declared = await store.listApps();
      if (declared.length === 0) return [deps.defaultApp];
      return declared.filter((app) => app.open);
    },
    async listAll() {
      const declared = await store.listApps();
      return [{ ...deps.defaultApp, open: declared.length === 0 }, ...declared];
    },
    defaultApp: standingDefault,
    async forSubmission(slug) {
      const open = await this.listOpen();
      if (slug === undefined) {
        if (open.length === 1) return open[0]!;
        throw new ValidationError('Name the app to ask for.', [
          {
            field: '/app',
            message: open.length
              ? `Name the app: one of ${open.map((app) => app.slug).join(', ')}.`
              : 'No app is taking requests at the moment.',
          },
        ]);
      }
      const app = open.find((each) => each.slug === slug);
      if (!app) {
        throw new ValidationError('No such app.', [{ field: '/app', message: `No open app has the slug "${slug}".` }]);
      }
      return app;
    },
    async slugs() {
      const all = await this.listAll();
      const byId = new Map(all.map((app) => [app.id, app.slug]));
      return (appId) => byId.get(appId) ?? appId;
    },
  };
}
