import { openDatabase } from '../adapters/store/index.ts';
import type { Config } from '../config.ts';

export async function runMigrate(config: Readonly<Config>): Promise<number> {
  const db = await openDatabase(config.databaseUrl);
  try {
    await db.migrate();
    process.stdout.write(`Database migrated (${db.kind}).\n`);
    return 0;
  } finally {
    await db.close();
  }
}
