// `guestlist doctor`: checks what an administrator gets wrong when setting Guestlist up,
// and says how to fix each problem. A table of small named checks (after
// node-oidc-provider's table of checks), run in order; each prints lines that start
// with ✓ (fine), ! (a warning) or ✗ (broken, followed by what to do). Exit code 1 when
// any line is ✗. It never prints a secret: only ids, URLs and Entra's error codes.
import { decodeJwt } from 'jose';
import { explainAadsts } from '../adapters/directory/aadsts.ts';
import { probeAuthority } from '../adapters/directory/authority-probe.ts';
import { classifyGraphError } from '../adapters/directory/classify-graph-error.ts';
import { createCredential, graphScope } from '../adapters/directory/credential.ts';
import { createGraphClient } from '../adapters/directory/graph-client.ts';
import { isGranted, requiredPermissions } from '../adapters/directory/permissions.ts';
import type { Config, EntraConfig } from '../config.ts';

export type OpenDatabase = (url: string) => Promise<{
  kind: string;
  store: { isReady(): Promise<boolean> };
  migrate(): Promise<unknown>;
  close(): Promise<void>;
}>;

export interface DoctorDeps {
  config: Config;
  /** Defaults to the store adapter's openDatabase. */
  openDatabase?: OpenDatabase;
  out: { write(s: string): void };
  /** A PEM to trust besides Node's default CAs (tests against the emulator). */
  ca?: string;
}

interface Line {
  mark: '✓' | '!' | '✗';
  text: string;
  /** What to do; printed under a ✗ (or a !). */
  fix?: string;
}

/** What the checks learn and pass on: the later Entra checks need the token. */
interface Context {
  deps: DoctorDeps;
  entra: EntraConfig | null;
  token: string | null;
}

type Check = (ctx: Context) => Promise<Line[]>;

const CHECKS: Array<[name: string, check: Check]> = [
  ['configuration', checkConfiguration],
  ['database', checkDatabase],
  ['token', checkToken],
  ['permissions', checkPermissions],
  ['groups', checkGroups],
  ['redirect url', checkRedirectUrl],
];

export async function runDoctor(deps: DoctorDeps): Promise<number> {
  const ctx: Context = { deps, entra: deps.config.entra, token: null };
  let failed = false;
  for (const [name, check] of CHECKS) {
    let lines: Line[];
    try {
      lines = await check(ctx);
    } catch (err) {
      lines = [{ mark: '✗', text: `The ${name} check failed unexpectedly: ${(err as Error).message}` }];
    }
    for (const line of lines) {
      failed ||= line.mark === '✗';
      deps.out.write(`${line.mark} ${line.text}\n${line.fix ? `    → ${line.fix}\n` : ''}`);
    }
  }
  return failed ? 1 : 0;
}

async function checkConfiguration({ deps, entra }: Context): Promise<Line[]> {
  // loadConfig already refused anything invalid; this says what was understood.
  if (!entra) {
    return [
      {
        mark: '!',
        text: 'Sandbox mode: no AZURE_* settings, so the bundled emulator plays Microsoft Entra ID. Entra checks skipped.',
        fix: 'To use your tenant, set AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH) and GUESTLIST_APP_URL.',
      },
    ];
  }
  const credential =
    entra.credential.kind === 'secret' ? 'a client secret' : `the certificate in ${entra.credential.path}`;
  return [
    {
      mark: '✓',
      text:
        `Configuration is valid: ${deps.config.mode} mode, tenant ${entra.tenantId}, client id ${entra.clientId} ` +
        `with ${credential}, authority ${entra.authorityHost}, Graph ${entra.graphUrl}.`,
    },
  ];
}

async function checkDatabase({ deps }: Context): Promise<Line[]> {
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

async function checkToken(ctx: Context): Promise<Line[]> {
  const { entra, deps } = ctx;
  if (!entra) return [];
  try {
    const credential = createCredential(entra, { ca: deps.ca });
    const token = await credential.getToken(graphScope(entra.graphUrl), { abortSignal: AbortSignal.timeout(30_000) });
    if (!token) throw new Error('The credential returned no token.');
    ctx.token = token.token;
    return [{ mark: '✓', text: `Token acquired from ${entra.authorityHost} for app ${entra.clientId}.` }];
  } catch (err) {
    let error = classifyGraphError(err);
    // MSAL hides why the authority's metadata could not be read; ask it ourselves.
    if (error.graphCode === 'token_unavailable') error = (await probeAuthority(entra, deps.ca)) ?? error;
    const explained = explainAadsts(error.graphCode);
    if (explained) {
      return [
        {
          mark: '✗',
          text: `No token: ${explained.problem} (${error.graphCode})`,
          fix: forApp(explained.fix, entra),
        },
      ];
    }
    // Not Entra's verdict: the authority could not be reached, or the credential could not
    // even be built (identity reads the certificate file at the first getToken).
    const local = !error.transient && entra.credential.kind === 'certificate';
    return [
      {
        mark: '✗',
        text: `No token: ${error.message}`,
        fix: local
          ? 'Check AZURE_CLIENT_CERTIFICATE_PATH: a PEM file holding the private key and the certificate ' +
            '(and AZURE_CLIENT_CERTIFICATE_PASSWORD when the key is encrypted).'
          : 'Check AZURE_AUTHORITY_HOST and that this machine can reach it over https (proxy, firewall, CA).',
      },
    ];
  }
}

async function checkPermissions({ entra, token, deps }: Context): Promise<Line[]> {
  if (!entra || !token) return [];
  let roles: string[];
  try {
    const claim = decodeJwt(token).roles;
    roles = Array.isArray(claim) ? claim.map(String) : [];
  } catch {
    return [{ mark: '!', text: 'The token is not a readable JWT; cannot tell which permissions are granted.' }];
  }
  return requiredPermissions({ groups: deps.config.invitation.groupIds.length > 0 }).map((permission) =>
    isGranted(permission, roles)
      ? { mark: '✓', text: `Permission ${permission.name} is granted.` }
      : {
          mark: '✗',
          text: `Permission ${permission.name} is missing: Guestlist needs it to ${permission.usedFor}.`,
          fix: forApp(
            `Entra admin center → App registrations → <app> → API permissions → Add a permission → Microsoft Graph → ` +
              `Application permissions → ${permission.name} → Add; then "Grant admin consent for <your tenant>".`,
            entra,
          ),
        },
  );
}

async function checkGroups({ entra, token, deps }: Context): Promise<Line[]> {
  const { groupIds } = deps.config.invitation;
  if (!entra || !token || groupIds.length === 0) return [];
  const graph = createGraphClient({ entra, ca: deps.ca });
  const lines: Line[] = [];
  for (const id of groupIds) {
    try {
      const group = (await graph.call((api) =>
        api(`/groups/${encodeURIComponent(id)}`)
          .select(['id', 'displayName'])
          .get(),
      )) as {
        displayName?: string;
      };
      lines.push({ mark: '✓', text: `Group ${id} ("${group.displayName ?? ''}") exists.` });
    } catch (err) {
      const error = classifyGraphError(err);
      lines.push(
        error.httpStatus === 404
          ? {
              mark: '✗',
              text: `Group ${id} was not found in the tenant.`,
              fix: "Fix GUESTLIST_GROUP_IDS: use the group's Object ID (Entra admin center → Groups → <group> → Overview).",
            }
          : error.httpStatus === 403
            ? {
                mark: '✗',
                text: `Cannot read group ${id}: ${error.describe()}`,
                fix: 'Grant GroupMember.ReadWrite.All with admin consent (see the permission line above).',
              }
            : { mark: '✗', text: `Cannot read group ${id}: ${error.describe()}` },
      );
    }
  }
  return lines;
}

async function checkRedirectUrl({ deps, entra }: Context): Promise<Line[]> {
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

function forApp(fix: string, entra: EntraConfig): string {
  return fix.replaceAll('<app>', `your app (client id ${entra.clientId})`);
}

function withoutPassword(databaseUrl: string): string {
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) return databaseUrl;
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
}
