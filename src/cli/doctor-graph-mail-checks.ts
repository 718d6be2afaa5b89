// The doctor's checks of mail through Microsoft Graph (GUESTLIST_MAIL_MAILBOX): the token
// carries Mail.Send, the mailbox exists and has an Exchange mailbox, and — because Mail.Send
// as an application permission lets the app send as EVERY mailbox in the organization — the
// Exchange Online commands that scope it to this one mailbox are named, with the command
// that proves it. Graph cannot read Exchange's access policies, so the doctor cannot see
// whether one exists; `--send-test` sends one real message through the app's own mailer.
// References: learn.microsoft.com/graph/auth-limit-mailbox-access (application access
// policies), learn.microsoft.com/exchange/permissions-exo/application-rbac (RBAC for
// Applications, which replaces them).
import { decodeJwt } from 'jose';
import { classifyGraphError } from '../adapters/directory/classify-graph-error.ts';
import { createGraphClient } from '../adapters/directory/graph-client.ts';
import { createGraphMailer } from '../adapters/mail/graph-mailer.ts';
import type { EntraConfig } from '../config.ts';
import { MailDeliveryError } from '../domain/mail-error.ts';
import type { Context } from './doctor.ts';
import { forApp, SANDBOX, tokenRoles } from './doctor-entra-checks.ts';
import { type Line, skipped } from './doctor-lines.ts';

export const MAIL_SEND = 'Mail.Send';

export async function checkGraphMail(ctx: Context): Promise<Line[]> {
  const { entra, token, noToken, deps } = ctx;
  const mailbox = deps.config.mail.mailbox!;
  if (!entra || !token) return [skipped(`Mail through Microsoft Graph as ${mailbox}`, noToken ?? SANDBOX)];
  const roles = tokenRoles(token) ?? [];
  const lines: Line[] = [];
  const granted = roles.includes(MAIL_SEND);
  lines.push(
    granted
      ? { mark: '✓', text: `Permission ${MAIL_SEND} is granted: Guestlist can send its emails as ${mailbox}.` }
      : {
          mark: '✗',
          text: `Permission ${MAIL_SEND} is missing from the app's token: Guestlist cannot send its emails as ${mailbox}.`,
          fix: forApp(
            `Entra admin center → App registrations → <app> → API permissions → Add a permission → Microsoft Graph → ` +
              `Application permissions → ${MAIL_SEND} → Add; then "Grant admin consent", and scope it to the mailbox ` +
              `(next line). If you granted it through RBAC for Applications in Exchange instead, the token carries no ` +
              `role: prove it with guestlist doctor --send-test you@yourdomain.`,
            entra,
          ),
        },
  );
  lines.push(await mailboxLine(ctx, entra, mailbox));
  lines.push(accessPolicyLine(entra, mailbox, token));
  return lines;
}

async function mailboxLine({ deps }: Context, entra: EntraConfig, mailbox: string): Promise<Line> {
  const graph = createGraphClient({ entra, ca: deps.ca });
  try {
    // GET /users/{x} takes an id or a UPN only; a mailbox is named by its address, which may differ.
    const literal = mailbox.replaceAll("'", "''");
    const found = (await graph.call((api) =>
      api('/users')
        .filter(`userPrincipalName eq '${literal}' or mail eq '${literal}'`)
        .select(['id', 'mail', 'userType', 'accountEnabled'])
        .get(),
    )) as { value?: Array<{ mail?: string | null; userType?: string; accountEnabled?: boolean }> };
    const user = found.value?.[0];
    if (!user) {
      return {
        mark: '✗',
        text: `No user or mailbox ${mailbox} in the tenant.`,
        fix: 'Check GUESTLIST_MAIL_MAILBOX: the address of a mailbox in this tenant, such as a shared mailbox guestlist@yourdomain.',
      };
    }
    if (user.userType === 'Guest' || !user.mail) {
      return {
        mark: '✗',
        text: `${mailbox} is in the directory but has no Exchange Online mailbox (${user.userType === 'Guest' ? 'a guest' : 'no mail address'}).`,
        fix: 'Use a shared mailbox (Exchange admin center → Recipients → Mailboxes → Add a shared mailbox; no licence needed) and put its address in GUESTLIST_MAIL_MAILBOX.',
      };
    }
    if (user.accountEnabled === false) {
      return {
        mark: '✓',
        text: `Mailbox ${user.mail} exists (a shared mailbox: its account is disabled, as it should be).`,
      };
    }
    return { mark: '✓', text: `Mailbox ${user.mail} exists.` };
  } catch (err) {
    const error = classifyGraphError(err);
    return {
      mark: '!',
      text: `Could not look the mailbox ${mailbox} up: ${error.describe()}.`,
      fix: 'Reading users needs User.Read.All (see the permissions above); --send-test tries the mailbox directly.',
    };
  }
}

/** The commands that scope Mail.Send to the one mailbox, named with this app's ids. */
function accessPolicyLine(entra: EntraConfig, mailbox: string, token: string): Line {
  const servicePrincipal = servicePrincipalId(token) ?? '<object id of the enterprise application>';
  const appId = appIdOf(entra, token);
  return {
    mark: '!',
    text:
      `${MAIL_SEND} lets the app send as ANY mailbox in the organization until Exchange Online scopes it to ${mailbox}. ` +
      'Graph cannot show Exchange policies, so check it once in Exchange Online PowerShell (Connect-ExchangeOnline).',
    fix:
      `Application access policy: New-ApplicationAccessPolicy -AppId ${appId} -PolicyScopeGroupId ${mailbox} ` +
      `-AccessRight RestrictAccess -Description "Guestlist sends only as ${mailbox}"; then ` +
      `Test-ApplicationAccessPolicy -Identity ${mailbox} -AppId ${appId} must say Granted, and for any other ` +
      'mailbox Denied (changes take up to an hour). Newer, replacing these policies — RBAC for Applications: ' +
      `New-ServicePrincipal -AppId ${appId} -ObjectId ${servicePrincipal} -DisplayName Guestlist; ` +
      `New-ManagementScope -Name "Guestlist mailbox" -RecipientRestrictionFilter "PrimarySmtpAddress -eq '${mailbox}'"; ` +
      `New-ManagementRoleAssignment -App ${appId} -Role "Application Mail.Send" -CustomResourceScope "Guestlist mailbox"; ` +
      `Test-ServicePrincipalAuthorization -Identity ${appId} -Resource ${mailbox}; then remove ${MAIL_SEND} from ` +
      'the app registration, whose tenant-wide grant would still apply. README.md, "Mail through Microsoft Graph".',
  };
}

function servicePrincipalId(token: string): string | null {
  try {
    const oid = decodeJwt(token).oid;
    return typeof oid === 'string' ? oid : null;
  } catch {
    return null;
  }
}

/** `--send-test ADDRESS` through Graph: the app's own mailer, and Graph's answer. */
export async function sendGraphTest(ctx: Context, to: string): Promise<Line[]> {
  const { entra, deps } = ctx;
  const mailbox = deps.config.mail.mailbox!;
  const what = `Test message to ${to}`;
  if (!entra || !ctx.token) return [skipped(what, ctx.noToken ?? SANDBOX)];
  const mailer = createGraphMailer({ graph: createGraphClient({ entra, ca: deps.ca }), mailbox });
  try {
    await mailer.send({
      to: [to],
      subject: 'Guestlist test message',
      text:
        `This is a test message from \`guestlist doctor --send-test\` at ${deps.config.publicUrl}, ` +
        `sent as ${mailbox} through Microsoft Graph. Guestlist's emails will reach you the same way.\n`,
    });
    return [
      {
        mark: '✓',
        text: `${what}: Microsoft Graph accepted it from ${mailbox} (202). Look for it in that inbox, and its spam folder.`,
      },
    ];
  } catch (err) {
    const error = err instanceof MailDeliveryError ? err : null;
    const denied = error?.responseCode === 403;
    return [
      {
        mark: '✗',
        text: `${what}: Microsoft Graph refused to send as ${mailbox}: ${error?.message ?? String(err)}.`,
        fix: denied
          ? `Grant ${MAIL_SEND} (application) with admin consent, and make sure the Exchange access policy or RBAC scope includes ${mailbox} (Test-ApplicationAccessPolicy -Identity ${mailbox} -AppId ${appIdOf(entra, null)}).`
          : error?.responseCode === 404
            ? 'Check GUESTLIST_MAIL_MAILBOX: it must be a mailbox in this tenant.'
            : 'Try again; if it persists, quote the request-id to Microsoft support.',
      },
    ];
  }
}

/** The app id Exchange knows the app by: the client id, or (a system-assigned managed identity has none configured) the token's `appid`. */
function appIdOf(entra: EntraConfig, token: string | null): string {
  if (entra.clientId) return entra.clientId;
  try {
    const appid = token ? decodeJwt(token).appid : undefined;
    if (typeof appid === 'string') return appid;
  } catch {}
  return "<the managed identity's application id>";
}
