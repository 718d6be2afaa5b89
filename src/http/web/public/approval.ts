// The Approve / Reject links in approvers' emails (app/approval-links.ts). GET shows who asks
// and a form to confirm, and changes nothing (mail scanners and link previews fetch GET
// links on their own). The POST decides, through the same use case as the console.
//
// CSRF on a page without a session: the link's token is the credential and travels in the
// form, so a forged cross-site post would need the token, and with it the attacker could
// simply post themselves; the usual double-submit check (web/index.ts) still applies, so
// the post must come from this page. The token never reaches another site: the whole
// app answers with Referrer-Policy: no-referrer.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ApprovalLinkError, readApprovalLink } from '../../../app/approval-links.ts';
import { stagesFor, storedAppOf } from '../../../app/approval-plan.ts';
import { decideByLink } from '../../../app/decide-by-link.ts';
import type { AccessRequest } from '../../../domain/lifecycle.ts';
import type { ApproverGroups, Clock, Ids, Store } from '../../../ports.ts';
import { approveInput, type FieldErrors, rejectInput } from '../admin/requests/forms.ts';
import { checkbox, csrfField, errorSummary, field, userText } from '../components.ts';
import { CsrfToken, LinkToken } from '../forms.ts';
import { html, type Raw } from '../html.ts';
import { pageContext, renderPage, sendPage, type WebSettings } from '../render.ts';

const Decision = Type.Optional(Type.Enum(['approve', 'reject']));
const LinkQuery = Type.Object({ token: LinkToken, decision: Decision });
const LinkForm = Type.Object({
  _csrf: CsrfToken,
  token: LinkToken,
  decision: Decision,
  comment: Type.Optional(Type.String({ maxLength: 4000 })),
  reason: Type.Optional(Type.String({ maxLength: 4000 })),
  share: Type.Optional(Type.String({ maxLength: 10 })),
});

interface FormView {
  token: string;
  decision: 'approve' | 'reject';
  request: AccessRequest;
  approver: string;
  stageName: string;
  appName: string;
  /** The answers to the app's questions, as [question label, answer] (as the approver's email has them). */
  answers: ReadonlyArray<readonly [string, string]>;
  errors?: FieldErrors;
  values?: { comment?: string | undefined; reason?: string | undefined; share?: boolean };
}

export const approvalLinkRoutes: FastifyPluginAsyncTypebox<{
  web: WebSettings;
  store: Store;
  clock: Clock;
  ids: Ids;
  approverGroups: ApproverGroups | null;
}> = async (app, deps) => {
  const { web } = deps;

  const refused = (request: FastifyRequest, reply: FastifyReply, error: ApprovalLinkError) =>
    renderPage(
      web,
      request,
      reply,
      { title: 'Link not valid', body: html`<h1>This link does not work</h1><p>${error.message}</p>` },
      error.status,
    );

  const showForm = async (request: FastifyRequest, reply: FastifyReply, view: FormView, status = 200) => {
    const ctx = pageContext(web, request, reply);
    return sendPage(reply, ctx, { title: 'Decide an access request', body: formBody(view, ctx.csrfToken) }, status);
  };

  /** The stage's and the app's names, and the answers under their questions' labels, for the page. */
  const names = async (request: AccessRequest) => {
    const state = await deps.store.getApprovalState(request.id);
    const stages = state?.plan?.stages ?? (await stagesFor(deps.store, request));
    const app = await storedAppOf(deps.store, request);
    const answers = Object.entries(request.answers ?? {}).map(
      ([id, answer]) => [app?.questions.find((q) => q.id === id)?.label ?? id, answer] as const,
    );
    return {
      stageName: stages[state?.stage ?? 0]?.name ?? 'Approval',
      appName: app?.name ?? web.branding.appName,
      answers,
    };
  };

  app.get('/approval', { schema: { querystring: LinkQuery } }, async (request, reply) => {
    const token = request.query.token ?? '';
    try {
      const { link, request: found } = await readApprovalLink(deps, token);
      return showForm(request, reply, {
        token,
        decision: request.query.decision ?? 'approve',
        request: found,
        approver: link.approverEmail,
        ...(await names(found)),
      });
    } catch (error) {
      if (error instanceof ApprovalLinkError) return refused(request, reply, error);
      throw error;
    }
  });

  app.post('/approval', { schema: { body: LinkForm } }, async (request, reply) => {
    const token = request.body.token ?? '';
    const decision = request.body.decision ?? 'approve';
    try {
      const approve = approveInput(request.body);
      const reject = rejectInput(request.body);
      const errors = decision === 'approve' ? approve.errors : reject.errors;
      if (Object.keys(errors).length > 0) {
        const { link, request: found } = await readApprovalLink(deps, token);
        const values = { comment: request.body.comment, reason: request.body.reason, share: reject.share };
        const view = { token, decision, request: found, approver: link.approverEmail, errors, values };
        return showForm(request, reply, { ...view, ...(await names(found)) }, 400);
      }
      const { request: decided } = await decideByLink(
        deps,
        decision === 'approve'
          ? { token, decision, comment: approve.comment }
          : { token, decision, reason: reject.reason, shareReason: reject.share },
      );
      const name = `${decided.firstName} ${decided.lastName}`;
      const outcome =
        decision === 'reject'
          ? 'You rejected the request. The requester is told it was not approved.'
          : decided.status === 'pending_approval'
            ? 'You approved this stage. The next stage’s approvers have been asked.'
            : 'You approved the request. Guestlist now invites them.';
      return renderPage(web, request, reply, {
        title: 'Decision recorded',
        body: html`<h1>Thank you</h1><p>${userText(name)} (${userText(decided.email)}): ${outcome}</p>`,
      });
    } catch (error) {
      if (error instanceof ApprovalLinkError) return refused(request, reply, error);
      throw error;
    }
  });
};

function formBody(view: FormView, csrfToken: string): Raw {
  const r = view.request;
  const name = `${r.firstName} ${r.lastName}`;
  const errors = view.errors ?? {};
  const other = view.decision === 'approve' ? 'reject' : 'approve';
  const otherHref = `/approval?token=${encodeURIComponent(view.token)}&decision=${other}`;
  const labels = { comment: 'Comment', reason: 'Reason for rejecting', share: 'Share' };
  const fields =
    view.decision === 'approve'
      ? html`${field({ name: 'comment', label: 'Comment', type: 'textarea', value: view.values?.comment, error: errors.comment, maxLength: 2000, hint: 'Kept in the audit trail.' })}
        <div><button type="submit">Approve</button></div>`
      : html`${field({ name: 'reason', label: 'Reason for rejecting', type: 'textarea', value: view.values?.reason, error: errors.reason, maxLength: 2000, required: true })}
        ${checkbox({ name: 'share', label: 'Share this reason with the requester', checked: view.values?.share ?? false, error: errors.share })}
        <div><button type="submit" class="danger">Reject</button></div>`;
  return html`<h1>${view.decision === 'approve' ? 'Approve' : 'Reject'} ${userText(name)}’s request</h1>
    ${errorSummary(errors, labels)}
    <p>You are deciding as ${userText(view.approver)}, at the stage “${userText(view.stageName)}”. Nothing changes until you press the button.</p>
    <dl class="facts">
      <dt>Name</dt><dd>${userText(name)}</dd>
      <dt>Email</dt><dd>${userText(r.email)}</dd>
      <dt>App</dt><dd>${userText(view.appName)}</dd>
      ${view.answers.map(([label, answer]) => html`<dt>${userText(label)}</dt><dd>${answer ? userText(answer) : html`<span class="hint">Not answered</span>`}</dd>`)}
      <dt>Why they need access</dt><dd>${r.justification ? userText(r.justification) : html`<span class="hint">Not given</span>`}</dd>
    </dl>
    <form method="post" action="/approval" class="stack">
      ${csrfField(csrfToken)}
      <input type="hidden" name="token" value="${view.token}">
      <input type="hidden" name="decision" value="${view.decision}">
      ${fields}
    </form>
    <p><a href="${otherHref}">${other === 'approve' ? 'Approve instead' : 'Reject instead'}</a></p>`;
}
