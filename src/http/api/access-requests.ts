// /api/v1/access-requests: thin routes — schema, use case, reply.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Catalogue } from '../../app/app-catalogue.ts';
import type { PolicySources } from '../../app/apply-policy.ts';
import { confirmMatch } from '../../app/confirm-match.ts';
import { decideRequest } from '../../app/decide-request.ts';
import { resendInvitation } from '../../app/resend-invitation.ts';
import { retryRequest } from '../../app/retry-request.ts';
import { revokeAccess } from '../../app/revoke-access.ts';
import { submitRequest } from '../../app/submit-request.ts';
import { REQUESTER } from '../../domain/actor.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { AccessRequest } from '../../domain/lifecycle.ts';
import type { ApproverGroups, Clock, Ids, RequestQueries, Store } from '../../ports.ts';
import { callerActor, callerAuthority } from '../auth.ts';
import type { SubmissionLimit } from '../submission-limit.ts';
import {
  AccessRequestDetail,
  AccessRequestView,
  ApproveBody,
  ConfirmMatchBody,
  IdParams,
  ListQuery,
  ListResponse,
  problemResponses,
  RejectBody,
  RevokeBody,
  SubmitBody,
  SubmitResponse,
} from './schemas.ts';
import { auditView, provisioningView, requestView } from './views.ts';

/** Their group in the OpenAPI document (an untagged route is left out of it). */
const TAGS = ['access requests'];

export interface AccessRequestRoutesOptions extends PolicySources {
  store: Store;
  queries: RequestQueries;
  clock: Clock;
  ids: Ids;
  /** The anonymous submission allowance, shared with the request form (http/submission-limit.ts). */
  submissionLimit: SubmissionLimit;
  catalogue: Catalogue;
  /** Members of the groups approval stages name. */
  approverGroups?: ApproverGroups | null | undefined;
}

export const accessRequestRoutes: FastifyPluginAsyncTypebox<AccessRequestRoutesOptions> = async (app, deps) => {
  const { store } = deps;
  const viewOf = async (request: AccessRequest) => {
    const view = requestView(request, await deps.catalogue.slugs());
    if (request.status !== 'pending_approval') return view;
    const state = await deps.store.getApprovalState(request.id);
    return state ? { ...view, approval: { stage: state.stage, round: state.round } } : view;
  };
  /** The stage the caller saw (its `approval`), when the body names one (a round is the sign). */
  const seenAt = (body: { stage?: number | null | undefined; round?: number | undefined }) =>
    body.round === undefined ? undefined : { stage: body.stage ?? null, round: body.round };

  app.post(
    '/access-requests',
    {
      schema: {
        summary: 'Ask for access',
        operationId: 'submitAccessRequest',
        tags: TAGS,
        description:
          'Anonymous callers get the same 202 answer whether or not a request for the address exists, and are rate-limited. ' +
          'An admin token submits a request whose address is already verified (it goes straight to pending_approval).',
        body: SubmitBody,
        response: { 202: SubmitResponse, ...problemResponses(400, 401, 403, 409, 413, 415, 429) },
      },
      // Admin tools importing requests are not throttled; the public is.
      onRequest: deps.submissionLimit,
    },
    async (request, reply) => {
      // Only an admin's token gets this far (http/access.ts): it vouches for the address.
      const { principal } = request;
      const { app: slug, ...body } = request.body;
      const app = await deps.catalogue.forSubmission(slug);
      const created = await submitRequest(deps, {
        ...body,
        app,
        actor: principal?.actor ?? REQUESTER,
        verified: principal !== null,
      });
      return reply.status(202).send({ id: created.id, status: created.status, app: app.slug });
    },
  );

  app.get(
    '/access-requests',
    {
      schema: {
        summary: 'List access requests, newest first',
        operationId: 'listAccessRequests',
        tags: TAGS,
        querystring: ListQuery,
        response: { 200: ListResponse, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { status, search, app: slug, limit = 50, after } = request.query;
      // An unknown slug matches nothing rather than everything.
      const appId = slug === undefined ? undefined : ((await deps.catalogue.bySlug(slug))?.id ?? `unknown:${slug}`);
      const page = await deps.queries.listRequests({
        limit,
        ...(status ? { status } : {}),
        ...(search ? { search } : {}),
        ...(appId ? { appId } : {}),
        ...(after ? { after } : {}),
      });
      const [counts, slugOf] = await Promise.all([deps.queries.countByStatus(), deps.catalogue.slugs()]);
      return { items: page.items.map((item) => requestView(item, slugOf)), next: page.next, counts };
    },
  );

  app.get(
    '/access-requests/:id',
    {
      schema: {
        summary: 'One access request with its audit history',
        operationId: 'getAccessRequest',
        tags: TAGS,
        params: IdParams,
        response: { 200: AccessRequestDetail, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const found = await store.getRequest(request.params.id);
      if (!found) throw new NotFoundError('The access request');
      const [history, progress] = await Promise.all([store.listAudit(found.id), store.getProgress(found.id)]);
      return {
        ...(await viewOf(found)),
        provisioning: provisioningView(progress),
        history: history.map(auditView),
      };
    },
  );

  // Generic in its body, so each route's handler sees its own body's type (a union here
  // would leave both handlers with the union, and a cast).
  const decisionSchema = <Body extends typeof ApproveBody | typeof RejectBody>(
    operationId: string,
    summary: string,
    body: Body,
    description?: string,
  ) => ({
    operationId,
    tags: TAGS,
    summary,
    ...(description ? { description } : {}),
    params: IdParams,
    body,
    response: { 200: AccessRequestView, ...problemResponses(400, 401, 403, 404, 409) },
  });

  app.post(
    '/access-requests/:id/approve',
    {
      schema: decisionSchema(
        'approveAccessRequest',
        'Approve a pending request',
        ApproveBody,
        'Approves the stage the request is at. At its last stage the request is approved and provisioning starts; ' +
          'at an earlier one it stays pending_approval and the next stage begins (its approvers are emailed). ' +
          "403 not_stage_approver: the caller is not one of the stage's approvers; 403 self_approval: the caller " +
          'asked for this access; 409 stage_decided: someone decided the stage first.',
      ),
    },
    async (request) => {
      const next = await decideRequest(deps, {
        id: request.params.id,
        actor: callerActor(request),
        authority: callerAuthority(request),
        decision: 'approve',
        comment: request.body.comment,
        at: seenAt(request.body),
      });
      return await viewOf(next);
    },
  );

  app.post(
    '/access-requests/:id/reject',
    {
      schema: decisionSchema(
        'rejectAccessRequest',
        'Reject a pending request',
        RejectBody,
        'The reason is always kept in the history for admins. With shareReason: true the requester reads it too, ' +
          'on their status page and in the email telling them of the rejection; without it they are told only that ' +
          'the request was not approved. A rejection at any approval stage rejects the request.',
      ),
    },
    async (request) => {
      const { reason, shareReason } = request.body;
      const next = await decideRequest(deps, {
        id: request.params.id,
        actor: callerActor(request),
        authority: callerAuthority(request),
        decision: 'reject',
        reason,
        shareReason: shareReason === true,
        at: seenAt(request.body),
      });
      return await viewOf(next);
    },
  );

  app.post(
    '/access-requests/:id/retry',
    {
      schema: {
        summary: 'Send a failed request back to provisioning',
        operationId: 'retryAccessRequest',
        tags: TAGS,
        params: IdParams,
        response: { 200: AccessRequestView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      return await viewOf(await retryRequest(deps, { id: request.params.id, actor: callerActor(request) }));
    },
  );

  app.post(
    '/access-requests/:id/resend-invitation',
    {
      schema: {
        summary: 'Resend the invitation of an invited request',
        operationId: 'resendInvitation',
        tags: TAGS,
        description:
          'Asks Graph for a new redeem URL and sends one new invitation email (by Guestlist or Microsoft, as configured). ' +
          'Done by a job after this call returns; the history records the ask and the resend.',
        params: IdParams,
        response: { 202: AccessRequestView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const next = await resendInvitation(deps, { id: request.params.id, actor: callerActor(request) });
      return reply.status(202).send(await viewOf(next));
    },
  );

  app.post(
    '/access-requests/:id/revoke',
    {
      schema: {
        summary: 'Revoke access: remove the group memberships, and optionally the guest account',
        operationId: 'revokeAccess',
        tags: TAGS,
        description:
          'The request becomes revoked at once; a job then removes each group membership this request granted and, ' +
          "with deleteGuest, deletes the guest account if this request's invitation created it (never a user that existed before).",
        params: IdParams,
        body: RevokeBody,
        response: { 200: AccessRequestView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { reason, deleteGuest } = request.body;
      return await viewOf(
        await revokeAccess(deps, {
          id: request.params.id,
          actor: callerActor(request),
          ...(reason ? { reason } : {}),
          deleteGuest: deleteGuest ?? false,
        }),
      );
    },
  );

  app.post(
    '/access-requests/:id/confirm-match',
    {
      schema: {
        summary: 'Say who a needs_confirmation request is for',
        operationId: 'confirmMatch',
        tags: TAGS,
        description:
          'The directory lookup was not conclusive (a match only through otherMails, several users, or a disabled account). ' +
          'Choose one of provisioning.matchCandidates by userId, or inviteAsNewGuest: true.',
        params: IdParams,
        body: ConfirmMatchBody,
        response: { 200: AccessRequestView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const choice = request.body;
      return await viewOf(
        await confirmMatch(deps, {
          id: request.params.id,
          actor: callerActor(request),
          choice: 'userId' in choice ? { userId: choice.userId } : { inviteAsNewGuest: true },
        }),
      );
    },
  );
};
