// Invitation redemption. inviteRedeemUrl carries `tenant`, `user` and `ticket`
// (graph-examples.json `invitation_post`); opening it marks the guest Accepted
// (externalUserStateChangeDateTime = now) and lands on the invitation's inviteRedirectUrl
// (redemption-experience.md). Every ticket stays valid: each re-invite hands out a new URL
// and the guest may click any of them, and a redeemed guest following a link again is
// simply sent on to the app.
import { type EmulatorState, graphDate } from './state.ts';

export function redeemTicket(state: EmulatorState, redeemUrlOrTicket: string): { redirectUrl: string } | null {
  const ticket = ticketOf(redeemUrlOrTicket);
  const entry = ticket === null ? undefined : state.tickets.get(ticket);
  const user = entry && state.users.get(entry.userId);
  if (!entry || !user) return null;
  if (user.externalUserState !== 'Accepted') {
    user.externalUserState = 'Accepted';
    user.externalUserStateChangeDateTime = graphDate(state.clock());
  }
  return { redirectUrl: entry.inviteRedirectUrl };
}

function ticketOf(input: string): string | null {
  if (!input.includes('ticket=')) return input;
  const query = input.slice(input.indexOf('?') + 1);
  return new URLSearchParams(query).get('ticket');
}
