// Test helpers for `guestlist doctor`: a config, a stand-in database, and a run that
// captures the report.
import { type DoctorDeps, type OpenDatabase, runDoctor } from '../../src/cli/doctor.ts';
import type { Config, EntraConfig } from '../../src/config.ts';
import { loadConfig } from '../../src/config.ts';

// A stand-in for a migrated database: the Entra and mail checks are what most tests are about.
export const readyDatabase: OpenDatabase = async () => ({
  kind: 'sqlite',
  store: { isReady: async () => true },
  migrate: async () => {},
  close: async () => {},
});

export function configFor(
  entra: EntraConfig | null,
  options: { groupIds?: string[]; redirectUrl?: string; smtpUrl?: string; mailbox?: string } = {},
): Config {
  const base = loadConfig({ DATABASE_URL: 'sqlite::memory:' });
  return {
    ...base,
    mode: entra ? 'entra' : 'sandbox',
    entra,
    invitation: {
      ...base.invitation,
      redirectUrl: options.redirectUrl ?? (entra ? 'https://app.example.com/' : null),
      groupIds: options.groupIds ?? [],
    },
    mail: {
      transport: options.mailbox ? 'graph' : options.smtpUrl ? 'smtp' : 'sandbox',
      smtpUrl: options.smtpUrl ?? null,
      mailbox: options.mailbox ?? null,
      from: options.mailbox ?? 'Guestlist <gl@contoso.com>',
      expiryReminderDays: 7,
    },
  };
}

export async function doctor(
  config: Config,
  options: { ca?: string | undefined; db?: 'ready' | 'real' } & Partial<Omit<DoctorDeps, 'config' | 'out'>> = {},
): Promise<{ code: number; output: string }> {
  let output = '';
  const { db = 'ready', ca, ...rest } = options;
  const code = await runDoctor({
    config,
    ...(db === 'ready' ? { openDatabase: readyDatabase } : {}),
    ...(ca ? { ca } : {}),
    ...rest,
    out: {
      write: (s) => {
        output += s;
      },
    },
  });
  return { code, output };
}

export function failures(output: string): string[] {
  return output.split('\n').filter((line) => line.startsWith('✗'));
}

/** The report's entries (a line with its `    → fix` lines, joined by \n) whose first line contains `about`. */
export function entries(output: string, about: string): string[] {
  const all: string[] = [];
  for (const line of output.split('\n')) {
    if (line.startsWith('    → ') && all.length > 0) all[all.length - 1] += `\n${line}`;
    else all.push(line);
  }
  return all.filter((entry) => entry.split('\n')[0]!.includes(about));
}
