// `guestlist request resend ID` and `guestlist request confirm-match ID --user USER_ID |
// --invite-new`: the admin actions on one request, for operators at the server. The audit
// trail names the operating-system account that ran them (`cli:<user>`).
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { openDatabase } from '../adapters/store/index.ts';
import { confirmMatch } from '../app/confirm-match.ts';
import { resendInvitation } from '../app/resend-invitation.ts';
import type { Config } from '../config.ts';
import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import { systemClock, uuidIds } from '../main.ts';

export const REQUEST_USAGE = `Usage: guestlist request resend ID
       guestlist request confirm-match ID (--user USER_ID | --invite-new)
`;

export async function runRequest(args: string[], config: Readonly<Config>): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch {
    parsed = null;
  }
  if (!parsed) {
    process.stderr.write(REQUEST_USAGE);
    return 2;
  }
  const db = await openDatabase(config.databaseUrl);
  const deps = { store: db.store, clock: systemClock, ids: uuidIds };
  const actor: Actor = { kind: 'cli', user: userInfo().username };
  try {
    await db.migrate();
    const request =
      parsed.action === 'resend'
        ? await resendInvitation(deps, { id: parsed.id, actor })
        : await confirmMatch(deps, { id: parsed.id, actor, choice: parsed.choice });
    process.stdout.write(
      parsed.action === 'resend'
        ? `Resending the invitation of ${request.id}: a worker sends it shortly.\n`
        : `Request ${request.id} is ${request.status} again; provisioning continues.\n`,
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

function parse(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { user: { type: 'string' }, 'invite-new': { type: 'boolean' } },
  });
  const [action, id, ...extra] = positionals;
  if (!id || extra.length > 0) return null;
  if (action === 'resend' && !values.user && !values['invite-new']) return { action, id } as const;
  if (action !== 'confirm-match') return null;
  if (values.user && !values['invite-new']) return { action, id, choice: { userId: values.user } } as const;
  if (!values.user && values['invite-new']) return { action, id, choice: { inviteAsNewGuest: true } } as const;
  return null;
}
