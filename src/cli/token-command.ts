// `guestlist token create|list|revoke`. `create` prints the token alone on stdout (so
// `TOKEN=$(guestlist token create …)` works); it is never shown again, and only its hash is
// stored. Exit codes as elsewhere: 2 for a usage mistake, 1 for a refused value or an
// unknown token. The audit trail names the operating-system account (`cli:<user>`).
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { openDatabase } from '../adapters/store/index.ts';
import { createApiToken } from '../app/create-api-token.ts';
import { listApiTokens } from '../app/list-api-tokens.ts';
import { revokeApiToken } from '../app/revoke-api-token.ts';
import type { Config } from '../config.ts';
import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import { systemClock, uuidIds } from '../main.ts';
import type { Store } from '../ports.ts';
import { databasePlace } from './database-place.ts';
import { tokenTable } from './token-table.ts';

const USAGE = `Usage: guestlist token create NAME --role admin|approver [--expires-in-days N]
       guestlist token list [--json]
       guestlist token revoke ID|NAME
`;

type Action = (store: Store, actor: Actor) => Promise<number>;

const OPTIONS_OF: Readonly<Record<string, readonly string[]>> = {
  create: ['name', 'role', 'expires-in-days'],
  list: ['json'],
  revoke: [],
};

export async function runToken(args: string[], config: Readonly<Config>): Promise<number> {
  const action = parse(args, databasePlace(config.databaseUrl));
  if (!action) {
    process.stderr.write(USAGE);
    return 2;
  }
  const db = await openDatabase(config.databaseUrl);
  try {
    await db.migrate();
    return await action(db.store, { kind: 'cli', user: userInfo().username });
  } catch (error) {
    if (error instanceof AppError && error.expose) {
      process.stderr.write(
        `${error.message}${error.fields ? ` ${error.fields.map((f) => f.message).join(' ')}` : ''}\n`,
      );
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}

/** The action the arguments ask for, or null for a usage mistake. */
function parse(args: string[], where: string): Action | null {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch {
    return null; // an unknown option, or one missing its value
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  // An option another subcommand takes is a mistake here, not something to ignore quietly.
  const given = Object.keys(values);
  if (!given.every((option) => OPTIONS_OF[command ?? '']?.includes(option))) return null;
  if (command === 'create') {
    // The name as the first word, or with --name (the older form, kept working).
    const name = values.name ?? (rest.length === 1 ? rest[0] : undefined);
    if (!name || !values.role || (values.name !== undefined && rest.length > 0)) return null;
    const role = values.role;
    const days = values['expires-in-days'];
    return async (store, actor) => {
      const { token, record } = await createApiToken(
        { store, clock: systemClock, ids: uuidIds },
        { name, role, actor, ...(days !== undefined ? { expiresInDays: days } : {}) },
      );
      process.stdout.write(`${token}\n`);
      process.stderr.write(
        `Created ${record.role} token "${record.name}" (id ${record.id}) in ${where}, valid until ${record.expiresAt.toISOString()}. ` +
          'Store it now: it cannot be shown again.\n',
      );
      return 0;
    };
  }
  if (command === 'list' && rest.length === 0) {
    const json = values.json === true;
    return async (store) => {
      const tokens = await listApiTokens({ store, clock: systemClock });
      process.stdout.write(json ? `${JSON.stringify(tokens, null, 2)}\n` : tokenTable(tokens));
      return 0;
    };
  }
  if (command === 'revoke' && rest.length === 1) {
    const ref = rest[0]!;
    return async (store, actor) => {
      const { token, revoked } = await revokeApiToken({ store, clock: systemClock }, { id: ref, actor });
      process.stderr.write(
        revoked
          ? `Revoked token "${token.name}" (id ${token.id}): requests bearing it are refused from now on.\n`
          : `Token "${token.name}" (id ${token.id}) was already revoked; nothing changed.\n`,
      );
      return 0;
    };
  }
  return null;
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      'expires-in-days': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
}
