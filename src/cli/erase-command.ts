// `guestlist erase --email ADDRESS`: a data-subject request, on demand (app/erase-person.ts).
// Says what it erased; exit 1, erasing nothing, while a request of the address is still open.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { openDatabase } from '../adapters/store/index.ts';
import { erasePerson } from '../app/erase-person.ts';
import type { Config } from '../config.ts';
import { AppError } from '../domain/errors.ts';
import { systemClock } from '../main.ts';
import { databasePlace } from './database-place.ts';

export async function runErase(args: string[], config: Readonly<Config>): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { email: { type: 'string' } } });
  if (!values.email || positionals.length > 0) {
    process.stderr.write('guestlist erase needs --email ADDRESS.\n\nUsage: guestlist erase --email ADDRESS\n');
    return 2;
  }
  const db = await openDatabase(config.databaseUrl);
  try {
    await db.migrate();
    const { erased } = await erasePerson(
      { personalData: db.personalData, clock: systemClock },
      { email: values.email, actor: { kind: 'cli', user: userInfo().username } },
    );
    process.stdout.write(
      erased.length === 0
        ? `No request of that address holds personal data in ${databasePlace(config.databaseUrl)}; nothing was erased.\n`
        : `Erased the personal data (address, names, reason for access, free text of the history, links, ` +
            `verification records, sandbox mail) of ${erased.length} request(s) in ${databasePlace(config.databaseUrl)}:\n` +
            erased.map((r) => `  ${r.id} (${r.status})\n`).join('') +
            'Their decisions stay in the audit trail, without the person. Guest accounts in Entra are not touched.\n',
    );
    return 0;
  } catch (error) {
    if (error instanceof AppError && error.expose) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}
