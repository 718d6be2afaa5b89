// `guestlist token create --name NAME --role admin|approver`: the token goes to stdout
// alone (so `TOKEN=$(guestlist token create …)` works) and is never shown again.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { openDatabase } from '../adapters/store/index.ts';
import { createApiToken } from '../app/create-api-token.ts';
import type { Config } from '../config.ts';
import { AppError } from '../domain/errors.ts';
import { systemClock, uuidIds } from '../main.ts';

export async function runToken(args: string[], config: Readonly<Config>): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { name: { type: 'string' }, role: { type: 'string' } },
  });
  if (positionals[0] !== 'create' || !values.name || !values.role) {
    process.stderr.write('Usage: guestlist token create --name NAME --role admin|approver\n');
    return 2;
  }
  const db = await openDatabase(config.databaseUrl);
  try {
    await db.migrate();
    const { token, record } = await createApiToken(
      { store: db.store, clock: systemClock, ids: uuidIds },
      { name: String(values.name), role: String(values.role), actor: { kind: 'cli', user: userInfo().username } },
    );
    process.stdout.write(`${token}\n`);
    process.stderr.write(`Created ${record.role} token "${record.name}". Store it now: it cannot be shown again.\n`);
    return 0;
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
