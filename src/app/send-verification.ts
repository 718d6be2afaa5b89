// The job that emails the owner of an address the links proving it is theirs. The rule
// "one verification email per address per 15 minutes" counts emails actually sent, never
// submissions: a job that finds the address's slot taken waits for it to free (it is never
// dropped), and the email that takes a slot carries every request for the address that has
// not been mailed yet (oldest first, at most REQUESTS_PER_EMAIL), each with its own names,
// its own confirmation link and its own status link. So submitting someone's address over
// and over cannot block its owner, nor put the submitter's names on the owner's request:
// the owner's request is in the next email (README, "Verification emails", for the bound).
import type { Clock, Ids, Mailer, Store } from '../ports.ts';
import type { Catalogue } from './app-catalogue.ts';
import { brandingForApp } from './email-branding.ts';
import type { InvitationBranding } from './invitation-email.ts';
import { hashToken, newSecretToken } from './secret-tokens.ts';
import { newStatusLink } from './status-link.ts';
import { verificationEmail } from './verification-email.ts';

/** At most one verification email per address in this window, whoever keeps submitting. */
export const VERIFICATION_EMAIL_INTERVAL_MS = 15 * 60_000;
/** Requests one email carries at most; the rest wait for the next slot. */
export const REQUESTS_PER_EMAIL = 10;

export interface VerificationSettings {
  /** Where Guestlist is reached, for the links. */
  publicUrl: string;
  validForMs: number;
}

export interface SendVerificationDeps {
  store: Store;
  clock: Clock;
  ids: Ids;
  mailer: Mailer;
  settings: VerificationSettings;
  branding: InvitationBranding;
  /** Each request's app names it in the email (email-branding.ts). */
  catalogue?: Catalogue | undefined;
}

/** Sends the email that carries this request's link (with the address's other waiting ones).
 * Returns when to run again — the slot is taken, or older requests filled the email — or null. */
export async function sendVerification(
  deps: SendVerificationDeps,
  requestId: string,
  held?: AbortSignal,
): Promise<Date | null> {
  const request = await deps.store.getRequest(requestId);
  // Verified by an admin meanwhile, withdrawn, expired: nothing to confirm any more.
  if (request?.status !== 'pending_verification') return null;
  // Another request's job already sent an email that carried this request's link.
  if ((await deps.store.countVerificationEmails(requestId)) > 0) return null;
  const now = deps.clock.now();
  const slot = await deps.store.takeVerificationSlot(request.email, now, VERIFICATION_EMAIL_INTERVAL_MS);
  if (!slot.taken) return slot.freeAt;
  let carried: string[];
  try {
    const waiting = await deps.store.listUnmailedVerifications(request.email, REQUESTS_PER_EMAIL);
    if (waiting.length === 0) {
      await deps.store.releaseVerificationSlot(request.email, now, slot.previous);
      return null;
    }
    const expiresAt = new Date(now.getTime() + deps.settings.validForMs);
    const entries = [];
    const apps = new Map<string, string>();
    for (const each of waiting) {
      apps.set(each.appId, (await brandingForApp(deps, each.appId)).branding.appName);
    }
    // One app: the email names it throughout; several: each request names its own.
    const oneApp = apps.size === 1 ? [...apps.values()][0]! : null;
    for (const each of waiting) {
      const token = newSecretToken('glv');
      await deps.store.insertVerificationToken({
        hash: hashToken(token),
        requestId: each.id,
        expiresAt,
        createdAt: now,
      });
      entries.push({
        firstName: each.firstName,
        lastName: each.lastName,
        confirmUrl: `${deps.settings.publicUrl}/verify?token=${encodeURIComponent(token)}`,
        statusUrl: await newStatusLink(deps, { requestId: each.id, publicUrl: deps.settings.publicUrl }),
        appName: oneApp ? undefined : apps.get(each.appId),
      });
    }
    // Another worker may have this job now (a lost lease): leave the email to it.
    held?.throwIfAborted();
    await deps.mailer.send(
      verificationEmail({
        to: request.email,
        branding: oneApp ? { ...deps.branding, appName: oneApp } : { ...deps.branding, appName: 'our apps' },
        entries,
        validForMs: deps.settings.validForMs,
      }),
    );
    carried = waiting.map((each) => each.id);
  } catch (error) {
    // Nothing was sent: the slot is not used up (the rule counts emails sent), so the
    // retry does not wait 15 minutes. The links made for it were never seen by anyone.
    await deps.store.releaseVerificationSlot(request.email, now, slot.previous);
    throw error;
  }
  // A crash before this line leaves the requests unmarked: the retry mails them again once
  // the slot frees (at least once, never more often than the slot allows).
  await deps.store.recordVerificationEmail({ email: request.email, requestIds: carried, sentAt: now });
  return carried.includes(requestId) ? null : new Date(now.getTime() + VERIFICATION_EMAIL_INTERVAL_MS);
}
