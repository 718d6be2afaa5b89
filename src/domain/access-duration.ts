// When access granted through an app ends (domain/apps.ts AccessDuration), computed once,
// when the request becomes active, and stored with it (access_expires_at). Pure.
import type { AccessDuration } from './apps.ts';

const DAY_MS = 86_400_000;

/**
 * The end of access activated at `activatedAt`: null for access without end; N days after
 * activation; or the end of the `until` date (UTC: access lasts through that day). A date
 * already past ends the access at once.
 */
export function accessEndsAt(access: AccessDuration, activatedAt: Date): Date | null {
  switch (access.kind) {
    case 'never':
      return null;
    case 'days':
      return new Date(activatedAt.getTime() + access.days * DAY_MS);
    case 'until': {
      const end = new Date(new Date(`${access.date}T00:00:00.000Z`).getTime() + DAY_MS);
      return end.getTime() > activatedAt.getTime() ? end : activatedAt;
    }
  }
}

/** How the audit trail and the requester read the reason an access ended. */
export function accessEndReason(access: AccessDuration): string {
  switch (access.kind) {
    case 'days':
      return `Access ended: the app grants it for ${access.days} ${access.days === 1 ? 'day' : 'days'}.`;
    case 'until':
      return `Access ended: the app grants it until ${access.date}.`;
    default:
      return 'Access ended.';
  }
}
