// `guestlist <command>`: serve, worker, migrate, token, admin, request, policy, backup, restore, doctor, emulator.
// Runs as `npm run guestlist -- <command>` in the repository and `guestlist` when installed.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Config, ConfigError, loadConfig } from '../config.ts';

const HELP = `Usage: guestlist <command> [options]

Commands:
  serve [--no-worker]      Start the web server (and, unless --no-worker, the job worker). npm start runs this.
  worker                   Run only the job worker (scale-out on PostgreSQL).
  migrate                  Apply database migrations and exit (serve and worker also apply them at start).
  token create NAME --role admin|approver [--expires-in-days N]
                           Create an API bearer token (valid 90 days unless told, at most 365);
                           prints the token alone on stdout, once. --name NAME also works.
  token list [--json]      List API tokens: id, name, role, dates, active/expired/revoked. No secrets.
  token revoke ID|NAME     Revoke an API token: requests bearing it are refused from now on.
  admin create USERNAME [--name "Display Name"]
                           Create a break-glass local admin (for when Microsoft sign-in is down or not set up);
                           the password (at least 15 characters) is asked for, or read from stdin, never an argument.
  admin list | admin delete USERNAME
                           List the local admins; delete one (and end its sessions) once sign-in with Microsoft works.
  request resend ID        Resend the invitation of an invited request (new redeem URL, one new email).
  request confirm-match ID --user USER_ID | --invite-new
                           Say who a needs_confirmation request is for, or invite the address as a new guest.
  request revoke ID [--reason TEXT] [--delete-guest]
                           Revoke a request's access: its group memberships are removed; --delete-guest also
                           deletes the guest account, if this request invited it.
  policy check [--app SLUG] EMAIL [--justification TEXT]
                           Which approval-policy rule would decide a request from EMAIL for the app, and why
                           (every rule's verdict in order). Changes nothing.
  doctor [--send-test ADDRESS]
                           Check the configuration, database, Entra cloud, certificate, token, permissions,
                           groups and mail server (connects and logs in, sends nothing); with --send-test,
                           also send one real message to ADDRESS and show the server's answer.
  backup FILE              Copy the SQLite database to FILE, consistently, while the server runs.
  restore FILE             Put a backup in place of the SQLite database (the server must be stopped);
                           the database that was there is kept aside, renamed with the time.
  emulator [--port N] [--public-url URL]
                           Run the bundled Microsoft Graph / Entra emulator on its own; its staff sign-in
                           returns to URL/auth/callback (default http://127.0.0.1:3000).
  help                     Show this text.

Configuration comes from the environment and a .env file in the current directory;
see README.md ("Configuration") for every setting.
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return (await import('./serve-command.ts')).runServe(rest, readConfig());
    case 'worker':
      return (await import('./serve-command.ts')).runWorker(readConfig());
    case 'migrate':
      return (await import('./migrate-command.ts')).runMigrate(readConfig());
    case 'token':
      return (await import('./token-command.ts')).runToken(rest, readConfig());
    case 'admin':
      return (await import('./admin-command.ts')).runAdmin(rest, readConfig());
    case 'request':
      return (await import('./request-command.ts')).runRequest(rest, readConfig());
    case 'backup':
      return (await import('./backup-command.ts')).runBackup(rest, readConfig());
    case 'restore':
      return (await import('./backup-command.ts')).runRestore(rest, readConfig());
    case 'policy':
      return (await import('./policy-command.ts')).runPolicy(rest, readConfig());
    case 'doctor': {
      const { parseDoctorArgs, runDoctor } = await import('./doctor.ts');
      const args = parseDoctorArgs(rest);
      if (!args.ok) {
        process.stderr.write(`${args.message}\n`);
        return 2;
      }
      return runDoctor({
        config: readConfig(),
        out: process.stdout,
        ...(args.sendTestTo ? { sendTestTo: args.sendTestTo } : {}),
      });
    }
    case 'emulator': {
      const { runEmulatorCommand, EmulatorUsageError } = await import('./emulator-command.ts');
      try {
        await runEmulatorCommand(rest, process.stdout);
        return 0;
      } catch (error) {
        if (!(error instanceof EmulatorUsageError)) throw error;
        process.stderr.write(`${error.message}\n`);
        return 2;
      }
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
      return 2;
  }
}

/** Reads the environment and ./.env once; a bad setting ends the process with its name. */
export function readConfig(): Readonly<Config> {
  const envFile = path.resolve('.env');
  try {
    return loadConfig(process.env, existsSync(envFile) ? readFileSync(envFile, 'utf8') : '', process.cwd());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
