// An admin creates, changes, opens or closes an app in the console. The definition is
// checked by the same rules as the configuration file's (domain/catalogue/), each problem
// named by its field; apps from the file are read-only here (the file is their source, and
// the next start would overwrite a change). Every change is written with its admin audit
// entry in one transaction (Store.insertApp / updateApp).
import { type Actor, auditActor } from '../domain/actor.ts';
import type { App, AppDefinition } from '../domain/apps.ts';
import { checkAppDefinition } from '../domain/catalogue/app-definition.ts';
import { formatPath } from '../domain/catalogue/reader.ts';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.ts';
import type { Clock, Ids, Store } from '../ports.ts';

export interface SaveAppDeps {
  store: Store;
  clock: Clock;
  ids: Ids;
  /** Entra mode: redirect URLs must be https. */
  httpsOnly: boolean;
}

/** The definition, or one ValidationError naming every bad field (`/slug`, `/questions/0/id`…). */
export function checkedDefinition(deps: Pick<SaveAppDeps, 'httpsOnly'>, input: unknown): AppDefinition {
  const result = checkAppDefinition(input, { httpsOnly: deps.httpsOnly });
  if (result.ok) return result.definition;
  throw new ValidationError(
    'The app has invalid fields.',
    result.problems.map((problem) => ({
      field: `/${problem.path.map(String).join('/')}`,
      message: `${formatPath(problem.path)}: ${problem.message}`,
    })),
  );
}

export async function createApp(deps: SaveAppDeps, input: { definition: unknown; actor: Actor }): Promise<App> {
  const definition = checkedDefinition(deps, input.definition);
  const now = deps.clock.now();
  const app: App = {
    ...definition,
    teamsWebhookUrl: null,
    id: deps.ids.next(),
    source: 'console',
    createdAt: now,
    updatedAt: now,
  };
  await deps.store.insertApp(app, {
    at: now,
    actor: auditActor(input.actor),
    action: 'app.create',
    subject: app.id,
    detail: `${app.name} (${app.slug})`,
  });
  return app;
}

async function editable(deps: SaveAppDeps, id: string): Promise<App> {
  const app = await deps.store.getApp(id);
  if (!app) throw new NotFoundError('The app');
  if (app.source === 'file') {
    throw new ConflictError(
      'app_from_file',
      `${app.name} is declared in the configuration file; change it there (it is read again at start-up).`,
    );
  }
  return app;
}

export async function updateApp(
  deps: SaveAppDeps,
  input: { id: string; definition: unknown; actor: Actor },
): Promise<App> {
  const current = await editable(deps, input.id);
  const definition = checkedDefinition(deps, input.definition);
  const now = deps.clock.now();
  // The console does not edit the Teams webhook (it carries a secret): it stays as it was.
  const app: App = { ...current, ...definition, teamsWebhookUrl: current.teamsWebhookUrl, updatedAt: now };
  await deps.store.updateApp(app, {
    at: now,
    actor: auditActor(input.actor),
    action: 'app.update',
    subject: app.id,
    detail: `${app.name} (${app.slug})`,
  });
  return app;
}

export async function setAppOpen(deps: SaveAppDeps, input: { id: string; open: boolean; actor: Actor }): Promise<App> {
  const current = await editable(deps, input.id);
  if (current.open === input.open) return current;
  const now = deps.clock.now();
  const app: App = { ...current, open: input.open, updatedAt: now };
  await deps.store.updateApp(app, {
    at: now,
    actor: auditActor(input.actor),
    action: input.open ? 'app.open' : 'app.close',
    subject: app.id,
    detail: `${app.name} (${app.slug})`,
  });
  return app;
}
