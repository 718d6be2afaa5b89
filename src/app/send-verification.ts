// The job that emails a requester the link proving they own the address. Runs after the
// submission committed; a retry mails a fresh link (earlier ones keep working until they
// expire), so a lost send is never fatal.
import type { Clock, Mailer, Store } from '../ports.ts';
import { hashToken, newSecretToken } from './secret-tokens.ts';

export interface VerificationSettings {
  /** Where Guestlist is reached, for the link. */
  publicUrl: string;
  validForMs: number;
}

export async function sendVerification(
  deps: { store: Store; clock: Clock; mailer: Mailer; settings: VerificationSettings },
  requestId: string,
): Promise<void> {
  const request = await deps.store.getRequest(requestId);
  // Verified by an admin meanwhile, withdrawn, expired: nothing to confirm any more.
  if (request?.status !== 'pending_verification') return;
  const token = newSecretToken('glv');
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + deps.settings.validForMs);
  await deps.store.insertVerificationToken({ hash: hashToken(token), requestId, expiresAt, createdAt: now });
  const link = `${deps.settings.publicUrl}/verify?token=${encodeURIComponent(token)}`;
  const hours = Math.round(deps.settings.validForMs / 3_600_000);
  await deps.mailer.send({
    to: [request.email],
    subject: 'Confirm your email address',
    text: [
      // No name here: whoever filled in the form chose it, and this mail goes to the address.
      'Hello,',
      '',
      'Someone (we hope you) asked for access using this address. To confirm it is yours, open:',
      '',
      link,
      '',
      `The link works for ${hours} hours. If you did not ask, ignore this email: nothing happens without your confirmation.`,
    ].join('\n'),
  });
}
