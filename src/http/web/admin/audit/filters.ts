// The audit trail's filters, shared by the page and the CSV: actor contains, one action,
// a date range (whole days, UTC). Bad dates are told beside their field.
import { Type } from 'typebox';
import type { AuditTrailQuery } from '../../../../ports.ts';

export const AuditQuery = Type.Object({
  actor: Type.Optional(Type.String({ maxLength: 200 })),
  action: Type.Optional(Type.String({ maxLength: 60 })),
  from: Type.Optional(Type.String({ maxLength: 20 })),
  to: Type.Optional(Type.String({ maxLength: 20 })),
  after: Type.Optional(Type.String({ maxLength: 200 })),
});

export interface AuditFilters {
  actor: string;
  action: string;
  from: string;
  to: string;
}

/** The actions the trail holds: the lifecycle's events and the others the use cases write. */
export const ACTIONS = [
  'submit',
  'verify',
  'approval_requested',
  'approve',
  'reject',
  'start_provisioning',
  'ask_confirmation',
  'confirm_match',
  'invite',
  'activate',
  'fail',
  'retry',
  'expire',
  'revoke',
  'withdraw',
  'resend_requested',
  'resend_invitation',
  'invitation_email_uncertain',
  'mail_failed',
  'access_removed',
  'guest_deleted',
  'guest_kept',
  'access_removal_failed',
];

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

function day(text: string): Date | null {
  if (!DAY.test(text)) return null;
  const date = new Date(`${text}T00:00:00.000Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text ? null : date;
}

/** The query the filters mean, or the errors by field. */
export function auditQuery(query: {
  actor?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}): { filters: AuditFilters; query: Omit<AuditTrailQuery, 'limit' | 'after'>; errors: Record<string, string> } {
  const filters = {
    actor: query.actor?.trim() ?? '',
    action: query.action?.trim() ?? '',
    from: query.from?.trim() ?? '',
    to: query.to?.trim() ?? '',
  };
  const errors: Record<string, string> = {};
  const out: Omit<AuditTrailQuery, 'limit' | 'after'> = {};
  if (filters.actor) out.actor = filters.actor;
  if (filters.action) {
    if (ACTIONS.includes(filters.action)) out.action = filters.action;
    else errors.action = 'Choose one of the actions in the list.';
  }
  const from = filters.from ? day(filters.from) : null;
  if (filters.from && !from) errors.from = 'Enter a date as YYYY-MM-DD.';
  if (from) out.from = from;
  const to = filters.to ? day(filters.to) : null;
  if (filters.to && !to) errors.to = 'Enter a date as YYYY-MM-DD.';
  if (to) out.to = new Date(to.getTime() + DAY_MS); // through the whole day
  if (from && to && to < from) errors.to = 'The end date must not be before the start date.';
  return { filters, query: out, errors };
}

export function auditHref(path: string, filters: AuditFilters, after?: string): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value) query.set(name, value);
  if (after) query.set('after', after);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
