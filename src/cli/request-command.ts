// `guestlist request resend ID`, `guestlist request confirm-match ID --user USER_ID |
// --invite-new` and `guestlist request revoke ID [--reason TEXT] [--delete-guest]`: the
// admin actions on one request, for operators at the server. The audit trail names the
// operating-system account that ran them (`cli:<user>`).
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { openDatabase } from '../adapters/store/index.ts';
import { confirmMatch } from '../app/confirm-match.ts';
import { resendInvitation } from '../app/resend-invitation.ts';
import { revokeAccess } from '../app/revoke-access.ts';
import type { Config } from '../config.ts';
import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import { systemClock, uuidIds } from '../main.ts';

export const REQUEST_USAGE = `Usage: guestlist request resend ID
       guestlist request confirm-match ID (--user USER_ID | --invite-new)
       guestlist request revoke ID [--reason TEXT] [--delete-guest]
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
    process.stdout.write(await act(deps, parsed, actor));
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

/** Runs the action; returns what to print. */
async function act(
  deps: Parameters<typeof resendInvitation>[0],
  parsed: NonNullable<ReturnType<typeof parse>>,
  actor: Actor,
): Promise<string> {
  switch (parsed.action) {
    case 'resend': {
      const request = await resendInvitation(deps, { id: parsed.id, actor });
      return `Resending the invitation of ${request.id}: a worker sends it shortly.\n`;
    }
    case 'confirm-match': {
      const request = await confirmMatch(deps, { id: parsed.id, actor, choice: parsed.choice });
      return `Request ${request.id} is ${request.status} again; provisioning continues.\n`;
    }
    case 'revoke': {
      const { id, reason, deleteGuest } = parsed;
      const request = await revokeAccess(deps, { id, actor, reason, deleteGuest });
      const guest = deleteGuest ? ', and deletes the guest account if this request invited it' : '';
      return `Request ${request.id} is revoked: a worker removes its group memberships shortly${guest}.\n`;
    }
  }
}

function parse(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      user: { type: 'string' },
      'invite-new': { type: 'boolean' },
      reason: { type: 'string' },
      'delete-guest': { type: 'boolean' },
    },
  });
  const [action, id, ...extra] = positionals;
  if (!id || extra.length > 0) return null;
  const revokeOptions = values.reason !== undefined || values['delete-guest'] !== undefined;
  if (action === 'revoke' && !values.user && !values['invite-new']) {
    return { action, id, reason: values.reason, deleteGuest: values['delete-guest'] === true } as const;
  }
  if (revokeOptions) return null;
  if (action === 'resend' && !values.user && !values['invite-new']) return { action, id } as const;
  if (action !== 'confirm-match') return null;
  if (values.user && !values['invite-new']) return { action, id, choice: { userId: values.user } } as const;
  if (!values.user && values['invite-new']) return { action, id, choice: { inviteAsNewGuest: true } } as const;
  return null;
}
