// The table of Guestlist's commands: each row names a command (or `group subcommand`), its
// usage text and the options node:util parseArgs accepts for it, strictly. main.ts reads
// the arguments the same way for every row — `--help`/`-h` prints the row's usage and exits
// 0 before anything runs; an unknown option prints the usage to stderr and exits 2 — and
// only then reads the configuration and runs the row. The command modules still check how
// the options combine (which ones a subcommand needs), and exit 2 themselves for that.
import type { ParseArgsOptionsConfig } from 'node:util';
import { EMULATOR_OPTIONS } from './emulator-options.ts';
import { readConfig, readDataDir } from './settings.ts';

export interface Command {
  /** `serve`, or `token create` for a subcommand. */
  name: string;
  /** How many words it takes besides its options (`token create NAME`: 1); none unless said. */
  arguments?: number;
  /** One or more lines, without `Usage: `; the first is the synopsis. */
  usage: string;
  /** What it does, for `guestlist --help`. */
  summary: string;
  options: ParseArgsOptionsConfig;
  /** Runs with the arguments after the command's words (for `token create`, after `create`). */
  run(args: string[]): Promise<number>;
}

const cliModule = {
  // Azure Monitor's instrumentation must be in place before serve-command.ts brings in
  // Fastify, pg and node:http (telemetry/azure-monitor.ts); without the variable, nothing extra loads.
  serve: async () => {
    const { connectionString } = readConfig().telemetry;
    if (connectionString) await (await import('../telemetry/azure-monitor.ts')).startAzureMonitor(connectionString);
    return import('./serve-command.ts');
  },
  token: () => import('./token-command.ts'),
  admin: () => import('./admin-command.ts'),
  request: () => import('./request-command.ts'),
};

export const COMMANDS: readonly Command[] = [
  {
    name: 'serve',
    usage: 'guestlist serve [--no-worker]',
    summary:
      'Start the web server and, unless --no-worker, the job worker (npm start runs this).\n' +
      'Applies pending migrations first.',
    options: { 'no-worker': { type: 'boolean' } },
    run: async (args) => (await cliModule.serve()).runServe(args, readConfig()),
  },
  {
    name: 'worker',
    usage: 'guestlist worker',
    summary: 'Run only the job worker (to scale out on PostgreSQL).',
    options: {},
    run: async () => (await cliModule.serve()).runWorker(readConfig()),
  },
  {
    name: 'migrate',
    usage: 'guestlist migrate',
    summary: 'Apply database migrations and exit (serve and worker also apply them at start).',
    options: {},
    run: async () => (await import('./migrate-command.ts')).runMigrate(readConfig()),
  },
  {
    name: 'token create',
    arguments: 1,
    usage: 'guestlist token create NAME --role admin|approver [--expires-in-days N]',
    summary:
      'Create an API bearer token (valid 90 days unless told, at most 365); prints the token\n' +
      'alone on stdout, once, and on stderr which database it was written to. --name NAME also works.',
    options: { name: { type: 'string' }, role: { type: 'string' }, 'expires-in-days': { type: 'string' } },
    run: async (args) => (await cliModule.token()).runToken(['create', ...args], readConfig()),
  },
  {
    name: 'token list',
    usage: 'guestlist token list [--json]',
    summary: 'List API tokens: id, name, role, dates, active/expired/revoked. No secrets.',
    options: { json: { type: 'boolean' } },
    run: async (args) => (await cliModule.token()).runToken(['list', ...args], readConfig()),
  },
  {
    name: 'token revoke',
    arguments: 1,
    usage: 'guestlist token revoke ID|NAME',
    summary: 'Revoke an API token: requests bearing it are refused from now on.',
    options: {},
    run: async (args) => (await cliModule.token()).runToken(['revoke', ...args], readConfig()),
  },
  {
    name: 'admin create',
    arguments: 1,
    usage: 'guestlist admin create USERNAME [--name "Display Name"]',
    summary:
      'Create a break-glass local admin (for when Microsoft sign-in is down or not set up); the\n' +
      'password (at least 15 characters) is asked for, or read from stdin, never an argument.',
    options: { name: { type: 'string' } },
    run: async (args) => (await cliModule.admin()).runAdmin(['create', ...args], readConfig()),
  },
  {
    name: 'admin list',
    usage: 'guestlist admin list',
    summary: 'List the local admins (and any lock).',
    options: {},
    run: async (args) => (await cliModule.admin()).runAdmin(['list', ...args], readConfig()),
  },
  {
    name: 'admin delete',
    arguments: 1,
    usage: 'guestlist admin delete USERNAME',
    summary: 'Delete a local admin and end its sessions, once sign-in with Microsoft works.',
    options: {},
    run: async (args) => (await cliModule.admin()).runAdmin(['delete', ...args], readConfig()),
  },
  {
    name: 'request resend',
    arguments: 1,
    usage: 'guestlist request resend ID',
    summary: 'Resend the invitation of an invited request (new redeem URL, one new email).',
    options: {},
    run: async (args) => (await cliModule.request()).runRequest(['resend', ...args], readConfig()),
  },
  {
    name: 'request confirm-match',
    arguments: 1,
    usage: 'guestlist request confirm-match ID (--user USER_ID | --invite-new)',
    summary: 'Say who a needs_confirmation request is for, or invite the address as a new guest.',
    options: { user: { type: 'string' }, 'invite-new': { type: 'boolean' } },
    run: async (args) => (await cliModule.request()).runRequest(['confirm-match', ...args], readConfig()),
  },
  {
    name: 'request revoke',
    arguments: 1,
    usage: 'guestlist request revoke ID [--reason TEXT] [--delete-guest]',
    summary:
      "Revoke a request's access: its group memberships are removed; --delete-guest also deletes\n" +
      'the guest account, if this request invited it.',
    options: { reason: { type: 'string' }, 'delete-guest': { type: 'boolean' } },
    run: async (args) => (await cliModule.request()).runRequest(['revoke', ...args], readConfig()),
  },
  {
    name: 'erase',
    usage: 'guestlist erase --email ADDRESS',
    summary:
      "Erase a person's personal data now (a data-subject request): every request of ADDRESS that\n" +
      'has ended; refused, naming them, while one is still open or gives access. Says what it erased.',
    options: { email: { type: 'string' } },
    run: async (args) => (await import('./erase-command.ts')).runErase(args, readConfig()),
  },
  {
    name: 'sandbox clear',
    usage: 'guestlist sandbox clear --yes',
    summary:
      "Delete a sandbox database's data (requests, tokens, admins, the emulator's directory), so the\n" +
      'data folder can be used with Microsoft Entra. Refused for a database that is not a sandbox.',
    options: { yes: { type: 'boolean' } },
    run: async (args) => (await import('./sandbox-command.ts')).runSandboxClear(args, readConfig()),
  },
  {
    name: 'policy check',
    arguments: 1,
    usage: 'guestlist policy check [--app SLUG] EMAIL [--justification TEXT]',
    summary:
      'Which approval-policy rule would decide a request from EMAIL for the app, and why (every\n' +
      "rule's verdict in order). Changes nothing.",
    options: { app: { type: 'string' }, justification: { type: 'string' } },
    run: async (args) => (await import('./policy-command.ts')).runPolicy(['check', ...args], readConfig()),
  },
  {
    name: 'backup',
    arguments: 1,
    usage: 'guestlist backup FILE',
    summary: 'Copy the SQLite database to FILE, consistently, while the server runs.',
    options: {},
    run: async (args) => (await import('./backup-command.ts')).runBackup(args, readConfig()),
  },
  {
    name: 'restore',
    arguments: 1,
    usage: 'guestlist restore FILE',
    summary:
      'Put a backup in place of the SQLite database (the server must be stopped); the database that\n' +
      'was there is kept aside, renamed with the time.',
    options: {},
    run: async (args) => (await import('./backup-command.ts')).runRestore(args, readConfig()),
  },
  {
    name: 'doctor',
    usage: 'guestlist doctor [--send-test ADDRESS]',
    summary:
      'Check the configuration, database, Entra cloud, certificate, token, permissions, groups and\n' +
      'mail server (connects and logs in, sends nothing); with --send-test, also send one real\n' +
      "message to ADDRESS and show the server's answer.",
    options: { 'send-test': { type: 'string' } },
    run: async (args) => {
      const { parseDoctorArgs, runDoctor } = await import('./doctor.ts');
      const parsed = parseDoctorArgs(args);
      if (!parsed.ok) {
        process.stderr.write(`${parsed.message}\n`);
        return 2;
      }
      return runDoctor({
        config: readConfig(),
        out: process.stdout,
        ...(parsed.sendTestTo ? { sendTestTo: parsed.sendTestTo } : {}),
      });
    },
  },
  {
    name: 'emulator',
    usage:
      'guestlist emulator [--port N] [--host H] [--data-dir DIR] [--tenant GUID] [--public-url URL]\n' +
      '                   [--throttle LIMIT/SECONDS | --no-throttle] [--fault-rate 0..1]',
    summary:
      'Run the bundled Microsoft Graph / Entra emulator on its own and print the settings that point\n' +
      'Guestlist at it. Keeps its state in DIR (default GUESTLIST_DATA_DIR/emulator); its staff\n' +
      'sign-in returns to URL/auth/callback (default http://127.0.0.1:3000).',
    options: EMULATOR_OPTIONS,
    run: async (args) => {
      const { runEmulatorCommand, EmulatorUsageError } = await import('./emulator-command.ts');
      try {
        await runEmulatorCommand(args, process.stdout, undefined, readDataDir());
        return 0;
      } catch (error) {
        if (!(error instanceof EmulatorUsageError)) throw error;
        process.stderr.write(`${error.message}\n`);
        return 2;
      }
    },
  },
];

/** The rows a first word leads to: one for `serve`, three for `token`. */
export function commandsOf(word: string): Command[] {
  return COMMANDS.filter((command) => command.name === word || command.name.startsWith(`${word} `));
}

/** `Usage:` and the synopsis of each row, aligned. */
export function usageOf(commands: readonly Command[]): string {
  const lines = commands.flatMap((command) => command.usage.split('\n'));
  return `Usage: ${lines.join('\n       ')}\n`;
}

/** The full text of `guestlist --help`. */
export function helpText(): string {
  const entries = COMMANDS.map((command) => {
    const synopsis = command.usage.replace(/^guestlist /, '').replace(/\n\s+/g, '\n    ');
    const summary = command.summary.replace(/^/gm, '      ');
    return `  ${synopsis}\n${summary}`;
  });
  return (
    'Usage: guestlist <command> [options]\n' +
    '       guestlist <command> --help     (what one command does and takes)\n' +
    '       guestlist --version\n\n' +
    `Commands:\n${entries.join('\n')}\n\n` +
    'Configuration comes from the environment and a .env file in the current directory;\n' +
    'see README.md ("Configuration") for every setting.\n'
  );
}
