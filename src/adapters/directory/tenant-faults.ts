// Graph answers that are the tenant's fault, not the request's: every request would get
// the same answer until an administrator acts, so provisioning pauses (DirectoryError
// scope `tenant`, jobs/directory-pause.ts) instead of failing requests one by one.
// Token refusals are all the tenant's (classify-graph-error.ts, with aadsts.ts's fixes).
//
// Rules (reference/microsoft-graph.md, "Invitations" and "Errors"):
//   - 403 Authorization_RequestDenied: the app lacks an application permission, or admin
//     consent was revoked. For the calls Guestlist makes (read users, invite, add to a
//     group) Graph gives no request-specific reason under this code.
//   - 403 with "Invitations are blocked for this directory…" (Microsoft blocked the tenant
//     for suspicious activity) or "Guest invitations not allowed for your company" (the
//     guest invite setting is "no one can invite"): Graph has no distinct code for these,
//     so the message is tested — narrowly, because a 403 naming one domain or one partner
//     ("This invitation is blocked by cross-tenant access settings", a domain on the deny
//     list) is about that request and must stay request-specific.

const INVITATIONS_BLOCKED =
  /invitations are blocked for this directory|guest invitations not allowed for your company/i;

export const PERMISSION_FIX =
  'Grant the app its Microsoft Graph application permissions with admin consent (Entra admin center → ' +
  'App registrations → <app> → API permissions → Grant admin consent; `guestlist doctor` names a missing one); ' +
  'if all are granted, check who may invite (External Identities → External collaboration settings).';

export const INVITATIONS_BLOCKED_FIX =
  'Allow guest invitations (Entra admin center → External Identities → External collaboration settings → ' +
  'Guest invite settings); if Microsoft blocked invitations for suspicious activity, open a support request.';

/** The administrator's fix when this Graph answer is a tenant-wide fault, else null. */
export function tenantFaultFix(status: number, code: string | null, message: string): string | null {
  if (status !== 403) return null;
  if (INVITATIONS_BLOCKED.test(message)) return INVITATIONS_BLOCKED_FIX;
  if (code === 'Authorization_RequestDenied') return PERMISSION_FIX;
  return null;
}
