// The doctor's checks that need no Microsoft Entra: what configuration was understood,
// whether the database answers, and where redeemed invitations land. (Mail: doctor-mail-checks.ts.)
import { describeCredential } from '../adapters/directory/credential.ts';
import { REQUIRED_WITH_ENTRA } from '../config.ts';
import type { Context, Line, OpenDatabase } from './doctor.ts';

export async function checkConfiguration({ deps, entra }: Context): Promise<Line[]> {
  // loadConfig already refused anything invalid; this says what was understood.
  if (!entra) {
    return [
      {
        mark: '!',
        text: 'Sandbox mode: no AZURE_* settings, so the bundled emulator plays Microsoft Entra ID; the Entra checks are listed as skipped.',
        fix: `To use your tenant, set AZURE_TENANT_ID, AZURE_CLIENT_ID and a credential (AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH, AZURE_FEDERATED_TOKEN_FILE or GUESTLIST_MANAGED_IDENTITY=true), ${Object.keys(REQUIRED_WITH_ENTRA).join(', ')}.`,
      },
    ];
  }
  const credential = describeCredential(entra.credential);
  const client = entra.clientId ? `client id ${entra.clientId}` : 'no client id';
  return [
    {
      mark: '✓',
      text:
        `Configuration is valid: ${deps.config.mode} mode, tenant ${entra.tenantId}, ${client} ` +
        `with ${credential}, authority ${entra.authorityHost}, Graph ${entra.graphUrl}.`,
    },
  ];
}

export async function checkDatabase({ deps }: Context): Promise<Line[]> {
  const where = withoutPassword(deps.config.databaseUrl);
  const open = deps.openDatabase ?? (await import('../adapters/store/index.ts')).openDatabase;
  let db: Awaited<ReturnType<OpenDatabase>>;
  try {
    db = await open(deps.config.databaseUrl);
  } catch (err) {
    return [
      {
        mark: '✗',
        text: `Cannot open the database ${where}: ${(err as Error).message}`,
        fix: 'Check DATABASE_URL (unset means sqlite in GUESTLIST_DATA_DIR) and that the database server is up.',
      },
    ];
  }
  try {
    // isReady() is false both when the server does not answer and when migrations are
    // missing (Store contract), so the message names both.
    if (await withTimeout(db.store.isReady(), 15_000)) {
      return [{ mark: '✓', text: `Database ${where} is reachable and migrated.` }];
    }
    return [
      {
        mark: '✗',
        text: `Database ${where} is not ready: it does not answer, or it is not migrated.`,
        fix: 'Check DATABASE_URL and that the database server is up; then run `guestlist migrate`.',
      },
    ];
  } catch (err) {
    return [{ mark: '✗', text: `Database ${where}: ${(err as Error).message}`, fix: 'Check DATABASE_URL.' }];
  } finally {
    await db.close();
  }
}

export async function checkRedirectUrl({ deps, entra }: Context): Promise<Line[]> {
  const url = deps.config.invitation.redirectUrl;
  if (!url) return [{ mark: '✓', text: 'Redeemed invitations land on the sandbox welcome page.' }];
  if (new URL(url).protocol === 'https:') return [{ mark: '✓', text: `Redeemed invitations land on ${url}.` }];
  const fix = 'Set GUESTLIST_APP_URL to the https:// address of the app guests are invited to.';
  // The emulator takes any URL; Entra sends guests to it after they sign in, so it must be https.
  if (!entra) return [{ mark: '!', text: `GUESTLIST_APP_URL ${url} is not https: fine in the sandbox only.`, fix }];
  return [{ mark: '✗', text: `GUESTLIST_APP_URL ${url} is not https.`, fix }];
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s.`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function withoutPassword(databaseUrl: string): string {
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) return databaseUrl;
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
}
