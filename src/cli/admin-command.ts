// `guestlist admin create|list|delete`: break-glass local admins, for when Microsoft Entra
// is down or before sign-in with Microsoft is set up (README, "Break-glass local admin").
// The password is never an argument (it would stay in the shell's history and show in
// `ps`): it is asked for twice on a terminal, or read as the first line of stdin.
import { parseArgs } from 'node:util';
import { argon2Hasher } from '../adapters/identity/argon2.ts';
import { openDatabase } from '../adapters/store/index.ts';
import { checkNewPassword, createLocalAdmin, MIN_PASSWORD_LENGTH, parseUsername } from '../app/local-admins.ts';
import type { Config } from '../config.ts';
import { AppError } from '../domain/errors.ts';
import { systemClock } from '../main.ts';

const USAGE = `Usage:
  guestlist admin create USERNAME [--name "Display Name"]   (the password is asked for, or read from stdin)
  guestlist admin list
  guestlist admin delete USERNAME
`;

export interface AdminIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function runAdmin(
  args: string[],
  config: Readonly<Config>,
  io: AdminIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action, username, ...extra] = positionals;
  const needsName = action === 'create' || action === 'delete';
  if (!action || !['create', 'list', 'delete'].includes(action) || (needsName && !username) || extra.length > 0) {
    io.stderr.write(USAGE);
    return 2;
  }
  if (action === 'create') {
    // Check what can be checked before asking for a password.
    try {
      parseUsername(username!);
    } catch (error) {
      io.stderr.write(`${(error as Error).message}\n`);
      return 1;
    }
  }
  let password = '';
  if (action === 'create') {
    const read = await readPassword(io);
    if (!read.ok) {
      io.stderr.write(`${read.message}\n`);
      return 1;
    }
    password = read.password;
  }
  const db = await openDatabase(config.databaseUrl);
  try {
    await db.migrate();
    if (action === 'create') {
      const admin = await createLocalAdmin(
        { localAdmins: db.localAdmins, hasher: argon2Hasher, clock: systemClock },
        { username: username!, displayName: values.name, password },
      );
      io.stdout.write(
        `Created local admin "${admin.username}" (${admin.displayName}).\n` +
          `Sign in at ${config.publicUrl}/auth/signin, under "Break-glass local admin". Sign-ins there are logged;\n` +
          'after 5 wrong passwords the account is locked for 15 minutes.\n' +
          'This account is for when Microsoft sign-in is unavailable or not yet set up. Once sign-in with Microsoft\n' +
          `works, remove it: guestlist admin delete ${admin.username}\n`,
      );
      return 0;
    }
    if (action === 'list') {
      const admins = await db.localAdmins.list();
      if (admins.length === 0) {
        io.stdout.write('No local admins. (Sign-in with Microsoft is the only way in.)\n');
        return 0;
      }
      const now = Date.now();
      for (const admin of admins) {
        const locked =
          admin.lockedUntil && admin.lockedUntil.getTime() > now
            ? `  locked until ${admin.lockedUntil.toISOString()}`
            : '';
        io.stdout.write(`${admin.username}\t${admin.displayName}\tcreated ${admin.createdAt.toISOString()}${locked}\n`);
      }
      return 0;
    }
    const name = username!.trim().toLowerCase();
    if (!(await db.localAdmins.delete(name))) {
      io.stderr.write(`There is no local admin "${name}".\n`);
      return 1;
    }
    const ended = await db.sessions.deleteFor('local', name);
    io.stdout.write(`Deleted local admin "${name}"${ended > 0 ? ` and ended ${ended} session(s)` : ''}.\n`);
    return 0;
  } catch (error) {
    if (error instanceof AppError && error.expose) {
      io.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}

function parse(args: string[]) {
  return parseArgs({ args, allowPositionals: true, options: { name: { type: 'string' } } });
}

type ReadPassword = { ok: true; password: string } | { ok: false; message: string };

async function readPassword(io: AdminIo): Promise<ReadPassword> {
  if (!io.stdin.isTTY) {
    // Piped: the first line (`printf '%s\n' "$PW" | guestlist admin create ops`).
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
    const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
    return check(password);
  }
  try {
    const first = await promptHidden(io, `Password (at least ${MIN_PASSWORD_LENGTH} characters): `);
    const checked = check(first);
    if (!checked.ok) return checked;
    const again = await promptHidden(io, 'The same password again: ');
    if (again !== first) return { ok: false, message: 'The passwords differ. Nothing was created.' };
    return checked;
  } catch {
    return { ok: false, message: 'Cancelled. Nothing was created.' };
  }
}

function check(password: string): ReadPassword {
  try {
    checkNewPassword(password);
    return { ok: true, password };
  } catch (error) {
    return { ok: false, message: `${(error as Error).message} Nothing was created.` };
  }
}

/** Reads one line from the terminal without echoing it. */
function promptHidden(io: AdminIo, prompt: string): Promise<string> {
  const stdin = io.stdin;
  io.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let input = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (value: string | null) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      io.stderr.write('\n');
      if (value === null) reject(new Error('Cancelled.'));
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done(input);
        if (char === '\u0003' || char === '\u0004') return done(null); // Ctrl-C, Ctrl-D
        if (char === '\u007f' || char === '\b') input = input.slice(0, -1);
        else input += char;
      }
    };
    stdin.on('data', onData);
  });
}
