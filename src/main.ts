// Composition root: the only place adapters are built and wired into `deps`.
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { createGraphClient } from './adapters/directory/graph-client.ts';
import { createGraphDirectory } from './adapters/directory/index.ts';
import { argon2Hasher } from './adapters/identity/argon2.ts';
import { createOpenIdProvider, type SignInSettings } from './adapters/identity/openid.ts';
import { createGraphMailer } from './adapters/mail/graph-mailer.ts';
import { createSandboxMailer } from './adapters/mail/sandbox-mailer.ts';
import { createSmtpMailer } from './adapters/mail/smtp-mailer.ts';
import { type Database, openDatabase } from './adapters/store/index.ts';
import { createCatalogue, defaultApp } from './app/app-catalogue.ts';
import type { Config } from './config.ts';
import { buildHttpApp } from './http/app.ts';
import { createDirectoryPause } from './jobs/directory-pause.ts';
import { jobHandlers } from './jobs/handlers.ts';
import { createWorker } from './jobs/worker.ts';
import type { AppLogger } from './logger.ts';
import type { Clock, Ids } from './ports.ts';
import { type Sandbox, SIGN_IN_CALLBACK_PATH, startSandbox } from './sandbox.ts';

/** How often the web process deletes ended sessions (they are refused from their end anyway). */
export const SESSION_SWEEP_MS = 15 * 60_000;

export interface Runtime {
  config: Readonly<Config>;
  db: Database;
  sandbox: Sandbox | null;
  http: FastifyInstance | null;
  /** Where the HTTP server listens, once it does. */
  url: string | null;
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
  const db = await openDatabase(config.databaseUrl, { logger });
  const stops: Array<() => Promise<void>> = [() => db.close()];
  try {
    await db.migrate();
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
    const entra = sandbox?.entra ?? config.entra!;
    // A tenant-wide fault pauses the jobs that need the directory (jobs/directory-pause.ts).
    const directoryPause = createDirectoryPause({ store: db.store, clock, logger });
    const directory = directoryPause.watch(
      createGraphDirectory({ entra, ...(sandbox ? { ca: sandbox.emulator.caPem } : {}) }),
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
    const mailer = smtp ?? graphMail ?? createSandboxMailer({ store: db.store, clock, ids, from: config.mail.from });

    if (options.worker) {
      const worker = createWorker({
        queue: db.jobs,
        clock,
        logger,
        workerId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
        concurrency: config.worker.concurrency,
        maxAttempts: config.worker.maxAttempts,
        leaseMs: config.worker.leaseMs,
        handlers: jobHandlers({
          store: db.store,
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
        }),
      });
      worker.start();
      stops.unshift(() => worker.stop());
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
            clientId: entra.clientId,
            credential: entra.credential,
            redirectUri: `${config.publicUrl}${SIGN_IN_CALLBACK_PATH}`,
          };
      // The key that signs the sign-in cookie: the same in every web process, and across
      // restarts (an attempt under way survives one), so it is set or kept in the database.
      const cookieSecret =
        config.cookieSecret ??
        (await db.serverSecrets.getOrCreate('cookie-signing-key', randomBytes(32).toString('base64url')));
      http = await buildHttpApp({
        store: db.store,
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
        trustProxy: config.trustProxy,
        sandbox: sandbox?.hooks ?? null,
        logger,
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
    let stopped: Promise<void> | null = null;
    return {
      config,
      db,
      sandbox,
      http,
      url,
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

async function runInOrder(steps: Array<() => Promise<void>>): Promise<void> {
  for (const step of steps) await step();
}
