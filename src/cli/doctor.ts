// `guestlist doctor`: checks what an administrator gets wrong when setting Guestlist up,
// and says how to fix each problem. A table of small named checks (after
// node-oidc-provider's table of checks), run in order; each prints lines that start
// with ✓ (fine), ! (a warning), ✗ (broken, followed by what to do) or `- skipped:` (the
// check could not run, and why: a check is never silently left out; doctor-lines.ts).
// Exit code 1 when any line is ✗, whatever the warnings and skips; 2 for a usage error
// (a malformed --send-test address). It never prints a secret: only ids, URLs, Entra's
// error codes and answers, and the mail server's replies.
import { parseArgs } from 'node:util';
import type { Config, EntraConfig } from '../config.ts';
import { checkCertificate } from './doctor-certificate-check.ts';
import { checkCloud } from './doctor-cloud-check.ts';
import { checkPermissions, checkToken } from './doctor-entra-checks.ts';
import { checkGroups } from './doctor-group-checks.ts';
import { type Line, type Mark, render } from './doctor-lines.ts';
import { checkConfiguration, checkDatabase, checkRedirectUrl } from './doctor-local-checks.ts';
import { checkMail, checkSendTest, isMailAddress } from './doctor-mail-checks.ts';
import { checkProvisioningPause } from './doctor-pause-check.ts';
import { checkInvitationPolicy } from './doctor-policy-check.ts';

export type { Line, Mark };

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
  /** A PEM to trust besides Node's default CAs (tests against the emulator or an SMTP server). */
  ca?: string;
  /** How long the mail checks wait for the SMTP server (default 15 s). */
  mailTimeoutMs?: number;
  /** `--send-test ADDRESS`: send one real message there once the mail server checks out. */
  sendTestTo?: string;
}

/** What the checks learn and pass on: the later Entra checks need the token. */
export interface Context {
  deps: DoctorDeps;
  entra: EntraConfig | null;
  token: string | null;
  /** Why there is no token, for the checks that needed one; null while there is one. */
  noToken: string | null;
  /** The authority and Graph are in different clouds: no token is worth asking for. */
  cloudMismatch: boolean;
  /** The SMTP server answered and took the login. */
  mailVerified: boolean;
}

export type Check = (ctx: Context) => Promise<Line[]>;

const CHECKS: Array<[name: string, check: Check]> = [
  ['configuration', checkConfiguration],
  ['database', checkDatabase],
  ['cloud', checkCloud],
  ['certificate', checkCertificate],
  ['token', checkToken],
  ['permissions', checkPermissions],
  ['invitation policy', checkInvitationPolicy],
  ['groups', checkGroups],
  ['redirect url', checkRedirectUrl],
  ['mail', checkMail],
  ['provisioning pause', checkProvisioningPause],
  ['test message', checkSendTest],
];

/** `doctor [--send-test ADDRESS]`; a usage error is the message to print before exiting 2. */
export function parseDoctorArgs(args: string[]): { ok: true; sendTestTo?: string } | { ok: false; message: string } {
  let values: { 'send-test'?: string | undefined };
  try {
    ({ values } = parseArgs({ args, options: { 'send-test': { type: 'string' } }, strict: true }));
  } catch (err) {
    return {
      ok: false,
      message: `guestlist doctor: ${(err as Error).message}\nUsage: guestlist doctor [--send-test ADDRESS]`,
    };
  }
  const to = values['send-test']?.trim();
  if (to === undefined) return { ok: true };
  if (!isMailAddress(to)) {
    return {
      ok: false,
      message: `guestlist doctor: --send-test needs one email address such as you@contoso.com; "${to}" is not one.`,
    };
  }
  return { ok: true, sendTestTo: to };
}

export async function runDoctor(deps: DoctorDeps): Promise<number> {
  const ctx: Context = {
    deps,
    entra: deps.config.entra,
    token: null,
    noToken: null,
    cloudMismatch: false,
    mailVerified: false,
  };
  const counts: Record<Mark, number> = { '✓': 0, '✗': 0, '!': 0, skipped: 0 };
  for (const [name, check] of CHECKS) {
    let lines: Line[];
    try {
      lines = await check(ctx);
    } catch (err) {
      lines = [{ mark: '✗', text: `The ${name} check failed unexpectedly: ${(err as Error).message}` }];
    }
    for (const line of lines) {
      counts[line.mark] += 1;
      deps.out.write(render(line));
    }
  }
  deps.out.write(
    `\n${counts['✓']} ✓, ${counts['✗']} ✗, ${counts['!']} !, ${counts.skipped} skipped` +
      `${counts['✗'] > 0 ? ': fix each ✗ above (→ says how).' : '.'}\n`,
  );
  return counts['✗'] > 0 ? 1 : 0;
}
