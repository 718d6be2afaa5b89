// `guestlist emulator`: the bundled Microsoft Graph + Entra emulator on its own, for
// benchmarks and for running Guestlist against a "tenant" by hand. It registers one app
// holding every permission Guestlist uses and one group, prints the environment lines
// that point Guestlist at it, and runs until SIGINT/SIGTERM.
// The printed secret is a throwaway credential valid only against this emulator. The app
// and group are kept in the data dir (app.json) so a restart keeps the same .env lines
// (and the same CA, so NODE_EXTRA_CA_CERTS stays valid); the directory itself — users,
// group members, redeem tickets, mail — is kept next to it in directory.json, so a
// Guestlist pointed at it finds its guests again. Delete that file for an empty tenant.

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { allPermissionNames } from '../adapters/directory/permissions.ts';
import { DEFAULT_STAFF, type EmulatorOptions, startEmulator } from '../emulator/index.ts';
import { EMULATOR_OPTIONS } from './emulator-options.ts';

/** The app it prints the settings of holds every permission Guestlist can use. */
export const EMULATOR_ROLES = allPermissionNames();

const USAGE = `Usage: guestlist emulator [--port N] [--host H] [--data-dir DIR] [--tenant GUID]
                         [--throttle LIMIT/SECONDS | --no-throttle] [--fault-rate 0..1]
                         [--public-url GUESTLIST_URL]   (staff sign-in returns to GUESTLIST_URL/auth/callback)`;

export class EmulatorUsageError extends Error {
  constructor(problem: string) {
    super(`${problem}\n${USAGE}`);
    this.name = 'EmulatorUsageError';
  }
}

interface SavedApp {
  clientId: string;
  clientSecret: string;
  groupId: string;
}

export async function runEmulatorCommand(
  argv: string[],
  out: NodeJS.WritableStream,
  stop?: AbortSignal,
  guestlistDataDir = 'data',
): Promise<void> {
  const options = parseEmulatorArgs(argv, guestlistDataDir);
  const { dataDir, publicUrl, ...emulatorOptions } = options;
  const emulator = await startEmulator({ ...emulatorOptions, dataDir });
  try {
    const savedPath = path.join(dataDir, 'app.json');
    const saved = existsSync(savedPath) ? (JSON.parse(await readFile(savedPath, 'utf8')) as SavedApp) : null;
    const app = emulator.registerApp({
      roles: EMULATOR_ROLES,
      redirectUris: [`${publicUrl}/auth/callback`],
      ...(saved ? { clientId: saved.clientId, clientSecret: saved.clientSecret } : {}),
    });
    const group = emulator.addGroup({ displayName: 'Guestlist app users', ...(saved ? { id: saved.groupId } : {}) });
    const current: SavedApp = { clientId: app.clientId, clientSecret: app.clientSecret ?? '', groupId: group.id };
    await writeFile(savedPath, `${JSON.stringify(current, null, 2)}\n`, { mode: 0o600 });

    out.write(
      [
        `# Microsoft Graph + Entra emulator listening on ${emulator.url} (tenant ${emulator.tenantId}).`,
        '# Throwaway credentials, valid only against this emulator. Put these lines in .env; stop with Ctrl+C.',
        `# Invitation mail "sent": ${emulator.url}/_emulator/mailbox   every POST /invitations: ${emulator.url}/_emulator/invitations`,
        // Everything Entra mode requires, so these lines alone start Guestlist against it.
        `AZURE_TENANT_ID=${emulator.tenantId}`,
        `AZURE_CLIENT_ID=${current.clientId}`,
        `AZURE_CLIENT_SECRET=${current.clientSecret}`,
        `AZURE_AUTHORITY_HOST=${emulator.url}`,
        `GUESTLIST_GRAPH_URL=${emulator.url}`,
        `NODE_EXTRA_CA_CERTS=${path.resolve(emulator.caPath)}`,
        `GUESTLIST_GROUP_IDS=${current.groupId}`,
        `GUESTLIST_PUBLIC_URL=${publicUrl}`,
        `GUESTLIST_APP_URL=${publicUrl}/welcome`,
        '# No mail server comes with the emulator: put yours here (nothing listens on port 9, so until then',
        '# Guestlist\'s own emails fail and are retried; the invitations Graph "sends" are in the mailbox above).',
        'SMTP_URL=smtp://127.0.0.1:9',
        'GUESTLIST_MAIL_FROM=guestlist@contoso.test',
        '# A database of its own: a sandbox database is refused in Entra mode (README, "Sandbox and Entra data").',
        `DATABASE_URL=sqlite:${path.resolve(guestlistDataDir, 'guestlist-entra.db')}`,
        `# Staff sign-in: OpenID issuer ${emulator.issuer}, redirect URI ${publicUrl}/auth/callback; staff: ${emulator
          .listStaff()
          .map((person) => `${person.email} [${person.roles.join(', ') || 'no role'}]`)
          .join(', ')}`,
        '',
      ].join('\n'),
    );
    await untilStopped(stop);
  } finally {
    await emulator.close();
  }
}

/** `guestlistDataDir`: GUESTLIST_DATA_DIR; the emulator keeps its state in its `emulator` folder unless told. */
export function parseEmulatorArgs(
  argv: string[],
  guestlistDataDir = 'data',
): EmulatorOptions & { dataDir: string; publicUrl: string } {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new EmulatorUsageError((error as Error).message);
  }
  const { values } = parsed;
  const dataDir = path.resolve(values['data-dir'] ?? path.join(guestlistDataDir, 'emulator'));
  const options: EmulatorOptions & { dataDir: string; publicUrl: string } = {
    host: values.host ?? '127.0.0.1',
    port: values.port === undefined ? 8443 : integer('--port', values.port, 0, 65535),
    dataDir,
    stateFile: path.join(dataDir, 'directory.json'),
    // Guestlist's own default address (HOST 127.0.0.1, PORT 3000).
    publicUrl: publicUrlOf(values['public-url'] ?? 'http://127.0.0.1:3000'),
    staff: DEFAULT_STAFF,
  };
  if (values.tenant !== undefined) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(values.tenant)) {
      throw new EmulatorUsageError(`--tenant "${values.tenant}" is not a tenant id (a GUID).`);
    }
    options.tenantId = values.tenant;
  }
  if (values['no-throttle'] && values.throttle !== undefined) {
    throw new EmulatorUsageError('Use either --throttle or --no-throttle.');
  }
  if (values['no-throttle']) options.invitationThrottle = null;
  if (values.throttle !== undefined) {
    const match = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(values.throttle);
    if (!match || Number(match[1]) < 1 || Number(match[2]) <= 0) {
      throw new EmulatorUsageError(`--throttle "${values.throttle}" must be LIMIT/SECONDS, e.g. 150/5.`);
    }
    options.invitationThrottle = { limit: Number(match[1]), windowMs: Number(match[2]) * 1000 };
  }
  if (values['fault-rate'] !== undefined) {
    const rate = Number(values['fault-rate']);
    if (!(rate >= 0 && rate <= 1)) throw new EmulatorUsageError('--fault-rate must be between 0 and 1.');
    options.faults = { rate };
  }
  return options;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: EMULATOR_OPTIONS,
  });
}

function publicUrlOf(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EmulatorUsageError(`--public-url "${raw}" is not an absolute URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new EmulatorUsageError(`--public-url "${raw}" must be http or https.`);
  }
  return url.href.replace(/\/$/, '');
}

function integer(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EmulatorUsageError(`${name} "${raw}" must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

function untilStopped(stop: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      stop?.removeEventListener('abort', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (stop?.aborted) done();
    else stop?.addEventListener('abort', done);
  });
}
