// Configuration: parsed and checked once at start-up, then frozen. This is the only
// module that reads the environment (main.ts passes process.env in). A wrong or missing
// setting stops start-up with a message naming the setting and what is wrong.
import path from 'node:path';
import { parseEnv } from 'node:util';
import { loadConfigFile } from './config-file.ts';
import {
  deepFreeze,
  type Fail,
  isHttpsUrl,
  readColor,
  readDatabaseUrl,
  readInteger,
  readNumber,
  readTrustProxy,
  readUrl,
  type TrustProxy,
  urlHost,
} from './config-values.ts';
import type { AppDefinition } from './domain/apps.ts';
import { outboundUrlProblem } from './domain/outbound.ts';
import { WORKER_DEFAULTS } from './jobs/worker.ts';

/**
 * How Guestlist proves itself to Entra. Secretless on Azure: a managed identity (App
 * Service, Container Apps, VMs) or workload identity federation (AKS, or any platform
 * whose tokens Entra trusts); otherwise a client secret or a certificate.
 */
export type GraphCredential =
  | { kind: 'secret'; secret: string }
  | { kind: 'certificate'; path: string; password: string | undefined }
  /** AZURE_FEDERATED_TOKEN_FILE: the platform's token, presented as a client assertion (re-read as it rotates). */
  | { kind: 'workload-identity'; tokenFile: string }
  /** GUESTLIST_MANAGED_IDENTITY: the Azure resource's identity; clientId names a user-assigned one, null the system-assigned one. */
  | { kind: 'managed-identity'; clientId: string | null };

export interface EntraConfig {
  tenantId: string;
  /** Who Graph tokens are issued to: the app registration, or a user-assigned managed identity; null: the system-assigned identity. */
  clientId: string | null;
  /**
   * The app registration staff sign in through (GUESTLIST_SIGN_IN_CLIENT_ID, else AZURE_CLIENT_ID).
   * A managed identity cannot sign people in, so with one this names an app registration that
   * trusts the identity through a federated credential.
   */
  signInClientId: string;
  credential: GraphCredential;
  /** https://login.microsoftonline.com, or a national cloud / emulator. */
  authorityHost: string;
  /** https://graph.microsoft.com, or a national cloud / emulator. */
  graphUrl: string;
}

export interface Config {
  /** `sandbox`: no Azure credentials; the bundled emulator plays Microsoft in-process. */
  mode: 'sandbox' | 'entra';
  host: string;
  port: number;
  /** Where people reach Guestlist (links in emails, the sandbox welcome page). */
  publicUrl: string;
  databaseUrl: string;
  dataDir: string;
  entra: EntraConfig | null;
  invitation: {
    /** Where a redeemed invitation lands; null means the sandbox welcome page. */
    redirectUrl: string | null;
    /** Who emails the invitation: Guestlist (Graph never mails) or Microsoft. */
    email: 'guestlist' | 'microsoft';
    customMessage: string | undefined;
    language: string | undefined;
    groupIds: string[];
    /** How long a 404 for a user a request just invited or found is taken as replication lag. */
    notFoundWindowMs: number;
  };
  /** Who invites and to what (emails), and how the public pages look. */
  branding: {
    organizationName: string | null;
    appName: string;
    /** An image URL shown at the top of every page. */
    logoUrl: string | null;
    /** `#rrggbb`: buttons and links (web/brand.ts keeps their text readable). */
    accentColor: string | null;
    /** A paragraph above the request form. */
    introText: string | null;
    /** Where the request form's privacy notice links. */
    privacyUrl: string | null;
  };
  /** Console sessions: ended after idleMs without use, or maxMs after sign-in. */
  sessions: { idleMs: number; maxMs: number };
  /**
   * GUESTLIST_COOKIE_SECRET: signs the short-lived sign-in cookie (state, nonce, PKCE
   * verifier). Null: Guestlist generates one and keeps it in the database (server_secrets).
   */
  cookieSecret: string | null;
  /** Redemption checks; an invitation not redeemed within expiryMs expires. */
  redemptionCheck: { firstMs: number; maxMs: number; expiryMs: number };
  mail: MailConfig;
  submissionsPerMinute: number;
  /** Which proxies' X-Forwarded-For to believe (the submission limit counts per client address). */
  trustProxy: TrustProxy;
  /** How long an emailed verification link works. */
  verificationMs: number;
  /** Days after which a request that ended without access loses its person (README, "Personal data and retention"). */
  retentionDays: number;
  /** How long an approver's emailed Approve / Reject link works (GUESTLIST_APPROVAL_LINK_DAYS, default 7). */
  approvalLinkMs: number;
  worker: { concurrency: number; maxAttempts: number; leaseMs: number };
  notifications: {
    /**
     * GUESTLIST_TEAMS_WEBHOOK_URL: the Teams Workflows webhook the default app's requests
     * waiting for approval are posted to (declared apps have their own teamsWebhookUrl). A
     * secret of sorts (whoever holds it can post to the channel): never logged.
     */
    teamsWebhookUrl: string | null;
    /** Plain http://localhost accepted for webhooks and Teams: in sandbox mode only. */
    allowLocalHttp: boolean;
  };
  /** Sandbox mode: the emulator's replication lag. */
  sandboxLagMs: number;
  /**
   * The app catalogue declared in the configuration file (config-file.ts): upserted at
   * start-up, read-only in the console. No file: no apps declared there.
   */
  catalogue: { file: string | null; apps: readonly AppDefinition[] };
  logLevel: string;
  /** GUESTLIST_LOG_FORMAT: `auto` is pretty on a terminal, JSON otherwise (serve-command.ts decides). */
  logFormat: 'json' | 'pretty' | 'auto';
  /**
   * Prometheus metrics (telemetry/metrics.ts). `/metrics` is served on the public port only
   * with a bearer token, or without one on a port of its own; neither set: not served.
   */
  metrics: { token: string | null; port: number | null; host: string };
  /** APPLICATIONINSIGHTS_CONNECTION_STRING: traces and metrics to Azure Monitor (telemetry/azure-monitor.ts). */
  telemetry: { connectionString: string | null };
}

/**
 * How Guestlist's own emails leave: `smtp` (SMTP_URL), `graph` (Microsoft Graph sendMail
 * from `mailbox`, with the app's Entra credentials and the Mail.Send permission), or
 * `sandbox` (no transport: the outbox of sandbox mode).
 */
export interface MailConfig {
  transport: 'smtp' | 'graph' | 'sandbox';
  smtpUrl: string | null;
  /** `graph`: the mailbox Guestlist sends as (GUESTLIST_MAIL_MAILBOX); it is also the sender. */
  mailbox: string | null;
  /** The sender over SMTP and in the sandbox outbox. */
  from: string;
  /** Days before a request's access ends that its requester is reminded; 0: no reminder. */
  expiryReminderDays: number;
}

export interface ConfigProblem {
  setting: string;
  problem: string;
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.setting}: ${p.problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

// A worker that dies mid-job loses it only when the lease runs out. In `guestlist` mode a
// repeated POST /invitations mails nobody, so a crashed worker's jobs are picked up after a
// 15 s lease. In `microsoft` mode the retry of a lost mailing POST is timed from the POST's
// recorded start (app/provision-guest.ts), not from the lease; the 45 s floor is kept there
// as a margin, since a mistake in that mode is a second email.
const LEASE_SECONDS = {
  guestlist: { min: 15, default: 15 },
  microsoft: { min: 45, default: WORKER_DEFAULTS.leaseMs / 1000 },
} as const;
/** What a real deployment cannot do without, and why (the sandbox has stand-ins). */
export const REQUIRED_WITH_ENTRA: Readonly<Record<string, string>> = {
  GUESTLIST_APP_URL: 'it is where a guest lands after redeeming the invitation.',
  GUESTLIST_PUBLIC_URL: 'the https address people use to reach Guestlist (links in emails point there).',
  SMTP_URL: 'Guestlist emails requesters their confirmation link and invitation (smtps://user:password@host).',
  GUESTLIST_MAIL_FROM: "the sender of Guestlist's emails, an address your mail server may send as.",
};
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** GUESTLIST_DATA_DIR alone, resolved as loadConfig does (for commands that need nothing else). */
export function dataDirOf(env: Record<string, string | undefined>, dotenv = '', cwd = '.'): string {
  const value = ({ ...parseEnv(dotenv), ...env }.GUESTLIST_DATA_DIR ?? '').trim();
  return path.resolve(cwd, value || 'data');
}

/**
 * @param env the process environment (wins over the file)
 * @param dotenv the text of a `.env` file, if there is one
 * @param cwd the directory relative paths are resolved against
 */
export function loadConfig(env: Record<string, string | undefined>, dotenv = '', cwd = '.'): Readonly<Config> {
  const vars: Record<string, string | undefined> = { ...parseEnv(dotenv), ...env };
  const problems: ConfigProblem[] = [];
  const read = (name: string): string | undefined => {
    const value = vars[name]?.trim();
    return value === '' ? undefined : value;
  };
  const fail = (setting: string, problem: string) => problems.push({ setting, problem });

  const host = read('HOST') ?? '127.0.0.1';
  const port = readInteger(read('PORT'), 'PORT', 3000, 0, 65535, fail);
  const publicUrl =
    readUrl(read('GUESTLIST_PUBLIC_URL'), 'GUESTLIST_PUBLIC_URL', fail) ?? `http://${urlHost(host)}:${port}`;
  const dataDir = path.resolve(cwd, read('GUESTLIST_DATA_DIR') ?? 'data');
  const databaseUrl = readDatabaseUrl(read('DATABASE_URL'), dataDir, cwd, fail);

  const entra = readEntra(read, fail);
  const redirectUrl = readUrl(read('GUESTLIST_APP_URL'), 'GUESTLIST_APP_URL', fail);
  const wantsEntra = [
    'AZURE_TENANT_ID',
    'AZURE_CLIENT_ID',
    'AZURE_CLIENT_SECRET',
    'AZURE_CLIENT_CERTIFICATE_PATH',
    'AZURE_FEDERATED_TOKEN_FILE',
    'GUESTLIST_MANAGED_IDENTITY',
  ].some((name) => read(name) !== undefined);
  const mail = readMail(read, fail, wantsEntra);
  if (wantsEntra) {
    for (const [name, why] of Object.entries(REQUIRED_WITH_ENTRA)) {
      // Graph mail sends as the mailbox, through the app's own credentials: no SMTP server, no separate sender.
      if (mail.transport === 'graph' && (name === 'SMTP_URL' || name === 'GUESTLIST_MAIL_FROM')) continue;
      if (!read(name)) {
        fail(
          name,
          `is required with Azure credentials: ${why}${name === 'SMTP_URL' ? ' Or send through Microsoft 365 instead: GUESTLIST_MAIL_MAILBOX=guestlist@yourdomain (README.md, "Mail through Microsoft Graph").' : ''}`,
        );
      }
    }
  }
  const groupIds = (read('GUESTLIST_GROUP_IDS') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  for (const id of groupIds)
    if (!GUID.test(id)) fail('GUESTLIST_GROUP_IDS', `"${id}" is not a group object id (a GUID).`);

  const language = read('GUESTLIST_INVITATION_LANGUAGE');
  if (language && !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language)) {
    fail('GUESTLIST_INVITATION_LANGUAGE', `"${language}" is not a language tag such as en-US or fr.`);
  }
  const checkMinutes = readNumber(
    read('GUESTLIST_REDEMPTION_CHECK_MINUTES'),
    'GUESTLIST_REDEMPTION_CHECK_MINUTES',
    5,
    fail,
  );
  if (read('GUESTLIST_SEND_INVITATION_MESSAGE') !== undefined) {
    fail(
      'GUESTLIST_SEND_INVITATION_MESSAGE',
      'was replaced by GUESTLIST_INVITATION_EMAIL: guestlist (the default; Guestlist sends the invitation email) or microsoft (Graph sends it).',
    );
  }
  const invitationEmail = read('GUESTLIST_INVITATION_EMAIL') ?? 'guestlist';
  if (invitationEmail !== 'guestlist' && invitationEmail !== 'microsoft') {
    fail('GUESTLIST_INVITATION_EMAIL', `must be guestlist or microsoft (got "${invitationEmail}").`);
  }
  const emailMode = invitationEmail === 'microsoft' ? 'microsoft' : 'guestlist';
  const lease = LEASE_SECONDS[emailMode];
  // The file's problems carry their line: `guestlist.config.yaml:14` is the "setting".
  const configFile = loadConfigFile(read('GUESTLIST_CONFIG_FILE'), cwd, { httpsOnly: wantsEntra });
  for (const problem of configFile.problems) fail(problem.where, problem.problem);
  const logLevel = read('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) fail('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}.`);
  const logFormat = read('GUESTLIST_LOG_FORMAT') ?? 'auto';
  if (logFormat !== 'json' && logFormat !== 'pretty' && logFormat !== 'auto') {
    fail('GUESTLIST_LOG_FORMAT', `must be json, pretty or auto (got "${logFormat}").`);
  }
  const metricsToken = read('GUESTLIST_METRICS_TOKEN') ?? null;
  // A bearer token on the public port: as long as a cookie-signing key, so it cannot be guessed.
  if (metricsToken !== null && metricsToken.length < 32) {
    fail('GUESTLIST_METRICS_TOKEN', 'must be at least 32 characters (for example: openssl rand -base64 32).');
  }
  // Checked here, in one line, rather than by the Azure Monitor exporter's stack trace at start.
  // The value is never quoted: it carries the ingestion key.
  const connectionString = read('APPLICATIONINSIGHTS_CONNECTION_STRING') ?? null;
  if (
    connectionString !== null &&
    !/(^|;)\s*InstrumentationKey=[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}\s*(;|$)/i.test(connectionString)
  ) {
    fail(
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      "must be an Application Insights connection string (InstrumentationKey=<GUID>;IngestionEndpoint=https://…), as the resource's Overview page shows it.",
    );
  }
  const metricsPortText = read('GUESTLIST_METRICS_PORT');
  const metricsPort =
    metricsPortText === undefined ? null : readInteger(metricsPortText, 'GUESTLIST_METRICS_PORT', 0, 0, 65535, fail);
  if (metricsPort !== null && metricsPort !== 0 && metricsPort === port) {
    fail('GUESTLIST_METRICS_PORT', 'must differ from PORT: the metrics port is the one the public never reaches.');
  }

  const config: Config = {
    mode: entra ? 'entra' : 'sandbox',
    host,
    port,
    publicUrl: publicUrl.replace(/\/$/, ''),
    databaseUrl,
    dataDir,
    entra,
    invitation: {
      redirectUrl,
      email: emailMode,
      customMessage: read('GUESTLIST_INVITATION_MESSAGE'),
      language,
      groupIds,
      notFoundWindowMs:
        readInteger(read('GUESTLIST_NOT_FOUND_MINUTES'), 'GUESTLIST_NOT_FOUND_MINUTES', 15, 1, 24 * 60, fail) * 60_000,
    },
    branding: {
      organizationName: read('GUESTLIST_ORGANIZATION_NAME') ?? (entra ? null : 'Contoso (sandbox)'),
      appName: read('GUESTLIST_APP_NAME') ?? 'the app',
      logoUrl: readUrl(read('GUESTLIST_LOGO_URL'), 'GUESTLIST_LOGO_URL', fail),
      accentColor: readColor(read('GUESTLIST_ACCENT_COLOR'), 'GUESTLIST_ACCENT_COLOR', fail),
      introText: read('GUESTLIST_INTRO_TEXT') ?? null,
      privacyUrl: readUrl(read('GUESTLIST_PRIVACY_URL'), 'GUESTLIST_PRIVACY_URL', fail),
    },
    sessions: {
      idleMs:
        readInteger(read('GUESTLIST_SESSION_IDLE_MINUTES'), 'GUESTLIST_SESSION_IDLE_MINUTES', 60, 5, 24 * 60, fail) *
        60_000,
      maxMs:
        readInteger(read('GUESTLIST_SESSION_MAX_HOURS'), 'GUESTLIST_SESSION_MAX_HOURS', 12, 1, 24 * 7, fail) *
        3_600_000,
    },
    cookieSecret: readCookieSecret(read('GUESTLIST_COOKIE_SECRET'), fail),
    redemptionCheck: {
      firstMs: checkMinutes * 60_000,
      maxMs: Math.max(checkMinutes * 60_000, 6 * 3_600_000),
      expiryMs:
        readInteger(read('GUESTLIST_INVITATION_EXPIRY_DAYS'), 'GUESTLIST_INVITATION_EXPIRY_DAYS', 30, 1, 3650, fail) *
        86_400_000,
    },
    mail,
    notifications: {
      teamsWebhookUrl: readTeamsUrl(read('GUESTLIST_TEAMS_WEBHOOK_URL'), !entra, fail),
      allowLocalHttp: !entra,
    },
    trustProxy: readTrustProxy(read('GUESTLIST_TRUST_PROXY'), fail),
    verificationMs:
      readInteger(read('GUESTLIST_VERIFICATION_HOURS'), 'GUESTLIST_VERIFICATION_HOURS', 24, 1, 24 * 30, fail) *
      3_600_000,
    retentionDays: readInteger(read('GUESTLIST_RETENTION_DAYS'), 'GUESTLIST_RETENTION_DAYS', 90, 1, 3650, fail),
    approvalLinkMs:
      readInteger(read('GUESTLIST_APPROVAL_LINK_DAYS'), 'GUESTLIST_APPROVAL_LINK_DAYS', 7, 1, 90, fail) * 86_400_000,
    submissionsPerMinute: readInteger(
      read('GUESTLIST_SUBMISSIONS_PER_MINUTE'),
      'GUESTLIST_SUBMISSIONS_PER_MINUTE',
      10,
      1,
      100_000,
      fail,
    ),
    worker: {
      concurrency: readInteger(
        read('GUESTLIST_WORKER_CONCURRENCY'),
        'GUESTLIST_WORKER_CONCURRENCY',
        WORKER_DEFAULTS.concurrency,
        1,
        256,
        fail,
      ),
      maxAttempts: readInteger(
        read('GUESTLIST_JOB_MAX_ATTEMPTS'),
        'GUESTLIST_JOB_MAX_ATTEMPTS',
        WORKER_DEFAULTS.maxAttempts,
        1,
        1000,
        fail,
      ),
      leaseMs:
        readInteger(
          read('GUESTLIST_JOB_LEASE_SECONDS'),
          'GUESTLIST_JOB_LEASE_SECONDS',
          lease.default,
          lease.min,
          3600,
          fail,
        ) * 1000,
    },
    sandboxLagMs:
      readInteger(read('GUESTLIST_SANDBOX_LAG_SECONDS'), 'GUESTLIST_SANDBOX_LAG_SECONDS', 3, 0, 600, fail) * 1000,
    logLevel,
    catalogue: configFile.config,
    logFormat: logFormat === 'json' || logFormat === 'pretty' ? logFormat : 'auto',
    metrics: { token: metricsToken, port: metricsPort, host: read('GUESTLIST_METRICS_HOST') ?? '127.0.0.1' },
    telemetry: { connectionString },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}

function readMail(read: (name: string) => string | undefined, fail: Fail, wantsEntra: boolean): MailConfig {
  const smtpUrl = read('SMTP_URL') ?? null;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) fail('SMTP_URL', 'must start with smtp:// or smtps://.');
  const mailbox = read('GUESTLIST_MAIL_MAILBOX') ?? null;
  const asked = read('GUESTLIST_MAIL_TRANSPORT');
  if (asked !== undefined && asked !== 'smtp' && asked !== 'graph') {
    fail('GUESTLIST_MAIL_TRANSPORT', `must be smtp or graph (got "${asked}").`);
  }
  // A mailbox says Graph; SMTP_URL says SMTP; both at once must be settled by GUESTLIST_MAIL_TRANSPORT.
  const transport = asked === 'smtp' || asked === 'graph' ? asked : mailbox ? 'graph' : smtpUrl ? 'smtp' : 'sandbox';
  if (asked === undefined && mailbox && smtpUrl) {
    fail(
      'GUESTLIST_MAIL_TRANSPORT',
      'must say which to use, smtp or graph: both SMTP_URL and GUESTLIST_MAIL_MAILBOX are set.',
    );
  }
  if (transport === 'graph') {
    if (!mailbox) {
      fail(
        'GUESTLIST_MAIL_MAILBOX',
        'is required with GUESTLIST_MAIL_TRANSPORT=graph: the mailbox Guestlist sends as.',
      );
    } else if (!/^[^\s@<>()",;:\\]+@[^\s@<>()",;:\\/]+\.[^\s@<>()",;:\\/]+$/.test(mailbox)) {
      fail(
        'GUESTLIST_MAIL_MAILBOX',
        `must be the mailbox's address, such as guestlist@contoso.com (got "${mailbox}").`,
      );
    }
    if (!wantsEntra) {
      fail(
        'GUESTLIST_MAIL_MAILBOX',
        'sends through Microsoft Graph with the app registration: set AZURE_TENANT_ID, AZURE_CLIENT_ID and a credential (the sandbox keeps its mail in the outbox).',
      );
    }
  }
  if (transport === 'smtp' && !smtpUrl && asked === 'smtp')
    fail('SMTP_URL', 'is required with GUESTLIST_MAIL_TRANSPORT=smtp.');
  return {
    transport,
    smtpUrl: transport === 'smtp' ? smtpUrl : null,
    mailbox: transport === 'graph' ? mailbox : null,
    from:
      read('GUESTLIST_MAIL_FROM') ?? (transport === 'graph' && mailbox ? mailbox : 'Guestlist <guestlist@localhost>'),
    expiryReminderDays: readInteger(
      read('GUESTLIST_EXPIRY_REMINDER_DAYS'),
      'GUESTLIST_EXPIRY_REMINDER_DAYS',
      7,
      0,
      365,
      fail,
    ),
  };
}

/** At least 32 characters: it is an HMAC key, and a guessable one lets anyone forge a sign-in attempt. */
function readCookieSecret(value: string | undefined, fail: Fail): string | null {
  if (value === undefined) return null;
  if (value.length < 32) {
    fail('GUESTLIST_COOKIE_SECRET', 'must be at least 32 characters (for example: openssl rand -base64 32).');
  }
  return value;
}

function readEntra(read: (name: string) => string | undefined, fail: Fail): EntraConfig | null {
  const tenantId = read('AZURE_TENANT_ID');
  const clientId = read('AZURE_CLIENT_ID');
  const secret = read('AZURE_CLIENT_SECRET');
  const certificatePath = read('AZURE_CLIENT_CERTIFICATE_PATH');
  const tokenFile = read('AZURE_FEDERATED_TOKEN_FILE');
  const managedIdentity = readManagedIdentity(read('GUESTLIST_MANAGED_IDENTITY'), fail);
  const given = [
    secret && 'AZURE_CLIENT_SECRET',
    certificatePath && 'AZURE_CLIENT_CERTIFICATE_PATH',
    tokenFile && 'AZURE_FEDERATED_TOKEN_FILE',
    managedIdentity && 'GUESTLIST_MANAGED_IDENTITY',
  ].filter((name): name is string => Boolean(name));
  if (!tenantId && !clientId && given.length === 0) return null; // sandbox mode
  if (!tenantId)
    fail(
      'AZURE_TENANT_ID',
      'is required when any AZURE_ setting is given (the directory (tenant) id of your Entra tenant).',
    );
  else if (!GUID.test(tenantId) && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(tenantId)) {
    fail('AZURE_TENANT_ID', 'must be the tenant id (a GUID) or its domain such as contoso.onmicrosoft.com.');
  }
  // A system-assigned managed identity needs no client id; every other credential belongs to one.
  if (!clientId && !managedIdentity) {
    fail('AZURE_CLIENT_ID', 'is required: the application (client) id of the app registration.');
  } else if (clientId && !GUID.test(clientId)) fail('AZURE_CLIENT_ID', 'must be a client id, a GUID.');
  if (given.length === 0) {
    fail(
      'AZURE_CLIENT_SECRET',
      'or another credential is required: AZURE_CLIENT_CERTIFICATE_PATH, AZURE_FEDERATED_TOKEN_FILE (workload identity) or GUESTLIST_MANAGED_IDENTITY=true (managed identity).',
    );
  }
  if (given.length > 1) fail(given[1]!, `is set together with ${given[0]}: set only one credential.`);
  const signInClientId = read('GUESTLIST_SIGN_IN_CLIENT_ID') ?? (managedIdentity ? undefined : clientId);
  if (!signInClientId) {
    fail(
      'GUESTLIST_SIGN_IN_CLIENT_ID',
      'is required with a managed identity: the app registration staff sign in through (it trusts the identity with a federated credential; README "Managed identity").',
    );
  } else if (!GUID.test(signInClientId)) fail('GUESTLIST_SIGN_IN_CLIENT_ID', 'must be a client id, a GUID.');
  const authorityHost = read('AZURE_AUTHORITY_HOST') ?? 'https://login.microsoftonline.com';
  const graphUrl = read('GUESTLIST_GRAPH_URL') ?? 'https://graph.microsoft.com';
  // @azure/identity refuses a non-https authority, and the Graph client sends its token only over https.
  for (const [setting, value] of [
    ['AZURE_AUTHORITY_HOST', authorityHost],
    ['GUESTLIST_GRAPH_URL', graphUrl],
  ] as const) {
    if (!isHttpsUrl(value)) fail(setting, `must be an https:// URL (got "${value}").`);
  }
  if (!tenantId || !signInClientId || given.length !== 1 || (!clientId && !managedIdentity)) return null;
  const credential: GraphCredential = secret
    ? { kind: 'secret', secret }
    : certificatePath
      ? { kind: 'certificate', path: certificatePath, password: read('AZURE_CLIENT_CERTIFICATE_PASSWORD') }
      : tokenFile
        ? { kind: 'workload-identity', tokenFile }
        : { kind: 'managed-identity', clientId: clientId ?? null };
  return {
    tenantId,
    clientId: clientId ?? null,
    signInClientId,
    credential,
    authorityHost: authorityHost.replace(/\/$/, ''),
    graphUrl: graphUrl.replace(/\/$/, ''),
  };
}

/** GUESTLIST_MANAGED_IDENTITY: true (the system-assigned identity, or the user-assigned one AZURE_CLIENT_ID names) or false. */
function readManagedIdentity(value: string | undefined, fail: Fail): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  fail('GUESTLIST_MANAGED_IDENTITY', `must be true or false (got "${value}").`);
  return false;
}

/** The Teams Workflows URL, checked like a webhook's; the message never repeats it (it carries a signature). */
function readTeamsUrl(value: string | undefined, allowLocalHttp: boolean, fail: Fail): string | null {
  if (value === undefined) return null;
  const problem = outboundUrlProblem(value, allowLocalHttp);
  if (problem) fail('GUESTLIST_TEAMS_WEBHOOK_URL', problem);
  return problem ? null : value;
}
