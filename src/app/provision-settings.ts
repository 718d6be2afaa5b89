// What the provisioning steps are told by configuration (config.ts → main.ts), with the
// request's app's redirect URL, groups, app role and access duration (app-settings.ts).
import type { AccessDuration, AppRoleGrant } from '../domain/apps.ts';

export interface ProvisioningSettings {
  redirectUrl: string;
  /**
   * Who emails the invitation. `guestlist` (default): Graph is always called with
   * sendInvitationMessage: false, so repeating POST /invitations mails nobody, and
   * Guestlist sends one email per request from a job (send-invitation.ts).
   * `microsoft`: Graph mails the person; see provision-guest.ts for how a lost answer is handled.
   */
  invitationEmail: 'guestlist' | 'microsoft';
  /** `microsoft` mode: Graph's customizedMessageBody; `guestlist` mode: a paragraph in Guestlist's email. */
  customMessage?: string | undefined;
  messageLanguage?: string | undefined;
  groupIds: readonly string[];
  /** An app role assigned after the groups (POST /servicePrincipals/{id}/appRoleAssignedTo); none when absent. */
  appRole?: AppRoleGrant | null | undefined;
  /** How long access lasts once active; for good when absent. */
  access?: AccessDuration | undefined;
  /** First redemption check after this long (then backing off with age). */
  redemptionCheckFirstMs: number;
  /** How long a 404 for a user this request invited or found is taken as replication lag. */
  notFoundWindowMs: number;
}
