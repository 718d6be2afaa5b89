// Two ports counted for metrics at the one door each side effect passes: every Graph
// invitation is Directory.invite, every email Mailer.send. An email is labelled with the job
// that sent it (log-context.ts), which says what it was: send_invitation, send_verification,
// notify_requester.
import type { Directory, Mailer } from '../ports.ts';
import { currentLogContext } from './log-context.ts';
import type { Metrics } from './metrics.ts';

export function countInvitations(directory: Directory, metrics: Metrics): Directory {
  return {
    ...directory,
    invitationsHeldForMs: () => directory.invitationsHeldForMs(),
    async invite(input) {
      try {
        const invitation = await directory.invite(input);
        metrics.invitation('sent');
        return invitation;
      } catch (error) {
        metrics.invitation('failed');
        throw error;
      }
    },
  };
}

export function countEmails(mailer: Mailer, metrics: Metrics): Mailer {
  return {
    async send(message) {
      const job = currentLogContext()?.jobKind ?? 'none';
      try {
        await mailer.send(message);
        metrics.email(job, 'sent');
      } catch (error) {
        metrics.email(job, 'failed');
        throw error;
      }
    },
  };
}
