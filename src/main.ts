// Composition root: the only place adapters are built and wired into `deps`.
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { createGraphClient } from './adapters/directory/graph-client.ts';
import { createGraphApproverGroups, createGraphDirectory } from './adapters/directory/index.ts';
import { argon2Hasher } from './adapters/identity/argon2.ts';
import { createOpenIdProvider, type SignInSettings } from './adapters/identity/openid.ts';
import { createGraphMailer } from './adapters/mail/graph-mailer.ts';
import { createSandboxMailer } from './adapters/mail/sandbox-mailer.ts';
import { createSmtpMailer } from './adapters/mail/smtp-mailer.ts';
import { createOutboundHttp } from './adapters/outbound/http.ts';
import { appTeamsChannels } from './adapters/outbound/teams-channels.ts';
import { type Database, openDatabase } from './adapters/store/index.ts';
import { holdInUse } from './adapters/store/sqlite-in-use.ts';
import { createCatalogue, defaultApp } from './app/app-catalogue.ts';
import { cachedApproverGroups } from './app/approver-groups.ts';
import { eraseEndedRequests } from './app/erase-ended-requests.ts';
import type { Config } from './config.ts';
import { checkDatabaseOwner, DATABASE_OWNER_KEY, type DatabaseOwner, ownerKey } from './domain/database-owner.ts';
import { buildHttpApp } from './http/app.ts';
import { createDirectoryPause } from './jobs/directory-pause.ts';
import { jobHandlers } from './jobs/handlers.ts';
import { withJobContext } from './jobs/job-context.ts';
import { createWorker } from './jobs/worker.ts';
import type { AppLogger } from './logger.ts';
import type { Clock, Ids } from './ports.ts';
import { type Sandbox, SIGN_IN_CALLBACK_PATH, startSandbox } from './sandbox.ts';
import { lockSandbox } from './sandbox-lock.ts';
import { countEmails, countInvitations } from './telemetry/counted-ports.ts';
import type { Metrics } from './telemetry/metrics.ts';
import { noMetrics } from './telemetry/no-metrics.ts';
import { observeRequestEvents } from './telemetry/request-events.ts';

/** How often the web process deletes ended sessions (they are refused from their end anyway). */
export const SESSION_SWEEP_MS = 15 * 60_000;
/** How often a worker erases the personal data that is due (GUESTLIST_RETENTION_DAYS). */
export const RETENTION_RUN_MS = 24 * 3_600_000;

export interface Runtime {
  config: Readonly<Config>;
  db: Database;
  sandbox: Sandbox | null;
  http: FastifyInstance | null;
  /** Where the HTTP server listens, once it does. */
  url: string | null;
  /** GUESTLIST_METRICS_PORT's /metrics, when set. */
  metricsUrl: string | null;
  stop(): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date() };
export const uuidIds: Ids = { next: () => randomUUID() };

export async function startGuestlist(
  config: Readonly<Config>,
  options: { http: boolean; worker: boolean; logger: AppLogger; clock?: Clock },
): Promise<Runtime> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const ids = uuidIds;
  // A running server or worker holds its SQLite file, so `guestlist restore` refuses to
  // swap it (adapters/store/sqlite-in-use.ts); released last, after the database closed.
  const sqliteFile = /^sqlite:(?!:memory:)(.+)$/.exec(config.databaseUrl)?.[1];
  const releaseFile = sqliteFile ? holdInUse(sqliteFile) : null;
  const db = await openDatabase(config.databaseUrl, { logger }).catch((error: unknown) => {
    releaseFile?.();
    throw error;
  });
  const stops: Array<() => Promise<void>> = [() => db.close()];
  if (releaseFile) stops.push(async () => releaseFile());
  try {
    await db.migrate();
    // Before anything acts on the requests: a sandbox database never meets a real tenant.
    const owner: DatabaseOwner =
      config.mode === 'sandbox' ? { kind: 'sandbox' } : { kind: 'entra', tenantId: config.entra!.tenantId };
    checkDatabaseOwner(await db.serverSecrets.getOrCreate(DATABASE_OWNER_KEY, await firstOwner(db, owner)), owner);
    if (config.mode === 'sandbox') stops.push(await lockSandbox(config.dataDir));
    // The configuration file's apps, as it says now (a removed one is closed, not deleted).
    await db.store.syncFileApps(config.catalogue.apps, clock.now());
    const sandbox =
      config.mode === 'sandbox'
        ? await startSandbox({
            dataDir: config.dataDir,
            publicUrl: config.publicUrl,
            groupIds: config.invitation.groupIds,
            replicationLagMs: config.sandboxLagMs,
          })
        : null;
    if (sandbox) stops.unshift(() => sandbox.emulator.close());
    // The sandbox's directory holds what the file's apps grant, so their requests go through.
    for (const app of sandbox ? config.catalogue.apps : []) {
      for (const id of app.groupIds) sandbox!.emulator.addGroup({ id, displayName: `${app.name} group` });
      if (app.appRole) {
        sandbox!.emulator.addServicePrincipal({
          id: app.appRole.servicePrincipalId,
          displayName: app.name,
          appRoleIds: [app.appRole.appRoleId],
        });
      }
    }
    const entra = sandbox?.entra ?? config.entra!;
    const metrics = await loadMetrics(config, db, clock);
    // Every committed lifecycle move is logged (and counted) here, after its commit.
    const store = observeRequestEvents(db.store, { logger, metrics });
    // A tenant-wide fault pauses the jobs that need the directory (jobs/directory-pause.ts).
    const directoryPause = createDirectoryPause({ store, clock, logger });
    const directory = countInvitations(
      directoryPause.watch(
        createGraphDirectory({ entra, metrics, ...(sandbox ? { ca: sandbox.emulator.caPem } : {}) }),
      ),
      metrics,
    );

    // The groups approval stages name, for the web tier (who may decide) and the worker (whom to email).
    const approverGroups = cachedApproverGroups(
      createGraphApproverGroups({ entra, ...(sandbox ? { ca: sandbox.emulator.caPem } : {}) }),
      clock,
    );
    // The catalogue: the default app from the environment, and the stored apps.
    const catalogue = createCatalogue({
      store: db.store,
      defaultApp: defaultApp({
        name: config.branding.appName,
        redirectUrl: config.invitation.redirectUrl ?? `${config.publicUrl}/welcome`,
        groupIds: sandbox?.groupIds ?? config.invitation.groupIds,
      }),
    });

    if (config.mail.transport === 'sandbox' && config.mode === 'entra') {
      logger.warn(
        {},
        'No mail transport is set: Guestlist keeps its emails in the sandbox outbox instead of sending them',
      );
    }
    const smtp = config.mail.smtpUrl ? createSmtpMailer({ url: config.mail.smtpUrl, from: config.mail.from }) : null;
    if (smtp) stops.push(async () => smtp.close());
    // Graph mail: the directory's app registration and credential, its own client (the same module).
    const graphMail =
      config.mail.transport === 'graph' && config.mail.mailbox && config.entra
        ? createGraphMailer({ graph: createGraphClient({ entra: config.entra }), mailbox: config.mail.mailbox })
        : null;
    const mailer = countEmails(
      smtp ?? graphMail ?? createSandboxMailer({ store, clock, ids, from: config.mail.from }),
      metrics,
    );

    if (options.worker) {
      const worker = createWorker({
        queue: db.jobs,
        clock,
        logger,
        workerId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
        concurrency: config.worker.concurrency,
        maxAttempts: config.worker.maxAttempts,
        leaseMs: config.worker.leaseMs,
        handlers: withJobContext(
          jobHandlers({
            store,
            catalogue,
            clock,
            ids,
            directory,
            mailer,
            logger,
            provisioning: {
              redirectUrl: config.invitation.redirectUrl ?? `${config.publicUrl}/welcome`,
              invitationEmail: config.invitation.email,
              customMessage: config.invitation.customMessage,
              messageLanguage: config.invitation.language,
              groupIds: sandbox?.groupIds ?? config.invitation.groupIds,
              redemptionCheckFirstMs: config.redemptionCheck.firstMs,
              notFoundWindowMs: config.invitation.notFoundWindowMs,
            },
            branding: config.branding,
            redemptionCheck: config.redemptionCheck,
            verification: { publicUrl: config.publicUrl, validForMs: config.verificationMs },
            expiryReminderDays: config.mail.expiryReminderDays,
            directoryPause,
            http: createOutboundHttp(),
            // The request's app's channel; the default app's is GUESTLIST_TEAMS_WEBHOOK_URL.
            teams: appTeamsChannels(catalogue, config.notifications.teamsWebhookUrl),
            approvals: { linkValidForMs: config.approvalLinkMs, approverGroups },
          }),
        ),
      });
      worker.start();
      stops.unshift(() => worker.stop());
      stops.unshift(eraseDaily(config, { personalData: db.personalData, clock }, logger));
    }

    let http: FastifyInstance | null = null;
    let url: string | null = null;
    if (options.http) {
      // Sign in with Microsoft: the emulator in sandbox mode, else the configured tenant
      // with the same app registration (and credential) as the Graph adapter.
      const signIn: SignInSettings = sandbox
        ? {
            issuer: sandbox.signIn.issuer,
            clientId: sandbox.signIn.clientId,
            credential: { kind: 'secret', secret: sandbox.signIn.clientSecret },
            redirectUri: sandbox.signIn.redirectUri,
            ca: sandbox.signIn.ca,
          }
        : {
            issuer: `${entra.authorityHost}/${entra.tenantId}/v2.0`,
            clientId: entra.signInClientId,
            credential: entra.credential,
            redirectUri: `${config.publicUrl}${SIGN_IN_CALLBACK_PATH}`,
          };
      // The key that signs the sign-in cookie: the same in every web process, and across
      // restarts (an attempt under way survives one), so it is set or kept in the database.
      const cookieSecret =
        config.cookieSecret ??
        (await db.serverSecrets.getOrCreate('cookie-signing-key', randomBytes(32).toString('base64url')));
      http = await buildHttpApp({
        store,
        catalogue,
        queries: db.queries,
        sessions: db.sessions,
        clock,
        ids,
        isReady: () => db.store.isReady(),
        publicUrl: config.publicUrl,
        appUrl: config.invitation.redirectUrl ?? `${config.publicUrl}/welcome`,
        branding: config.branding,
        sessionSettings: config.sessions,
        identity: createOpenIdProvider(signIn, logger),
        localAdmins: db.localAdmins,
        passwordHasher: argon2Hasher,
        cookieSecret,
        submissionsPerMinute: config.submissionsPerMinute,
        verificationMs: config.verificationMs,
        approverGroups,
        trustProxy: config.trustProxy,
        sandbox: sandbox?.hooks ?? null,
        // The policy is DEFAULT_POLICY until the app catalogue names each app's; the
        // existing-guest rule may ask the tenant (only when a policy approves existing guests).
        policy: { directory },
        logger,
        metrics,
        // With a port of its own, /metrics is served there only (telemetry/metrics-server.ts).
        metricsToken: config.metrics.port === null ? config.metrics.token : null,
      });
      url = await http.listen({ host: config.host, port: config.port });
      // Closing the server first stops new requests; the worker then drains.
      const server = http;
      stops.unshift(() => server.close());
      // Ended sessions are refused by the query already; this only keeps the table small.
      const sweep = setInterval(() => {
        db.sessions.deleteEnded(clock.now()).then(
          (deleted) => {
            if (deleted > 0) logger.debug({ deleted }, 'deleted ended sessions');
          },
          (error: unknown) => logger.warn({ err: error }, 'could not delete ended sessions'),
        );
      }, SESSION_SWEEP_MS);
      sweep.unref();
      stops.unshift(async () => clearInterval(sweep));
    }
    let metricsUrl: string | null = null;
    if (config.metrics.port !== null) {
      const { startMetricsServer } = await import('./telemetry/metrics-server.ts');
      const server = await startMetricsServer({ metrics, ...config.metrics, port: config.metrics.port });
      stops.unshift(() => server.close());
      metricsUrl = server.url;
    }
    let stopped: Promise<void> | null = null;
    return {
      config,
      db,
      sandbox,
      http,
      url,
      metricsUrl,
      stop: () => {
        stopped ??= runInOrder(stops);
        return stopped;
      },
    };
  } catch (error) {
    await runInOrder(stops);
    throw error;
  }
}

/** prom-client, loaded only when something scrapes (a token for the public port, or a port of its own). */
async function loadMetrics(config: Readonly<Config>, db: Database, clock: Clock): Promise<Metrics> {
  if (!config.metrics.token && config.metrics.port === null) return noMetrics;
  const { createMetrics } = await import('./telemetry/metrics.ts');
  return createMetrics({
    countByStatus: () => db.queries.countByStatus(),
    queueStats: db.queueStats,
    directoryPause: () => db.store.getDirectoryPause(),
    clock,
  });
}

/**
 * The retention rule (app/erase-ended-requests.ts), at start and then daily, in each worker
 * process. Why not a job row: jobs belong to a request. The run needs no state of its own —
 * it erases whatever is due — so a timer is as durable as the data it reads.
 */
function eraseDaily(
  config: Readonly<Config>,
  deps: Parameters<typeof eraseEndedRequests>[0],
  logger: AppLogger,
): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = eraseEndedRequests(deps, { retentionDays: config.retentionDays }).then(
      (erased) => {
        if (erased > 0) logger.info({ erased, retentionDays: config.retentionDays }, 'personal data erased');
      },
      (error: unknown) => logger.warn({ err: error }, 'could not erase personal data; trying again tomorrow'),
    );
  };
  run();
  const timer = setInterval(run, RETENTION_RUN_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

async function runInOrder(steps: Array<() => Promise<void>>): Promise<void> {
  for (const step of steps) await step();
}

/**
 * Whose a database is when it has no owner row yet: a new one is this start's; one made by a
 * version before the row existed is the sandbox's if the sandbox's outbox holds mail (a
 * real deployment mails through SMTP or Graph and never writes it), so an upgraded sandbox
 * database is still refused in Entra mode instead of being claimed by it.
 */
async function firstOwner(db: Database, current: DatabaseOwner): Promise<string> {
  const sandboxMail = (await db.store.listSandboxMessages()).length > 0;
  return ownerKey(sandboxMail ? { kind: 'sandbox' } : current);
}
