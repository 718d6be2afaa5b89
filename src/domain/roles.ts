// Who may do what: the roles staff and API tokens carry. The one list (tokens, the
// principal, route checks); Entra app roles map onto it when staff sign in.
export const ROLES = ['admin', 'approver'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
