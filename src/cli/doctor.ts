// `guestlist doctor`: checks what an administrator gets wrong when setting Guestlist up,
// and says how to fix each problem. A table of small named checks (after
// node-oidc-provider's table of checks), run in order; each prints lines that start
// with ✓ (fine), ! (a warning) or ✗ (broken, followed by what to do). Exit code 1 when
// any line is ✗. It never prints a secret: only ids, URLs and Entra's error codes.
import type { Config, EntraConfig } from '../config.ts';
import { checkGroups, checkPermissions, checkToken } from './doctor-entra-checks.ts';
import { checkConfiguration, checkDatabase, checkMail, checkRedirectUrl } from './doctor-local-checks.ts';
import { checkProvisioningPause } from './doctor-pause-check.ts';

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

export interface Line {
  mark: '✓' | '!' | '✗';
  text: string;
  /** What to do; printed under a ✗ (or a !). */
  fix?: string;
}

/** What the checks learn and pass on: the later Entra checks need the token. */
export interface Context {
  deps: DoctorDeps;
  entra: EntraConfig | null;
  token: string | null;
}

export type Check = (ctx: Context) => Promise<Line[]>;

const CHECKS: Array<[name: string, check: Check]> = [
  ['configuration', checkConfiguration],
  ['database', checkDatabase],
  ['token', checkToken],
  ['permissions', checkPermissions],
  ['groups', checkGroups],
  ['redirect url', checkRedirectUrl],
  ['mail', checkMail],
  ['provisioning pause', checkProvisioningPause],
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
