// GET /admin/requests/:id and the actions on it. Each POST acts through the use case the
// API uses (which writes the audit entry with the caller as actor), then redirects (303)
// to the page with `?done=`, whose one line says what happened: reloading the page
// repeats nothing. A form to correct shows the page again with 400 and the error beside
// its field; an action that lost its race shows it with 409, saying who got there first.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { confirmMatch } from '../../../../app/confirm-match.ts';
import { decideRequest } from '../../../../app/decide-request.ts';
import { resendInvitation } from '../../../../app/resend-invitation.ts';
import { retryRequest } from '../../../../app/retry-request.ts';
import { revokeAccess } from '../../../../app/revoke-access.ts';
import { AppError, ConflictError, InvalidTransitionError, ValidationError } from '../../../../domain/errors.ts';
import { IdParams } from '../../../api/schemas.ts';
import { callerActor, callerAuthority } from '../../../auth.ts';
import type { ConsoleDeps } from '../console.ts';
import {
  ApproveForm,
  approveInput,
  ConfirmMatchForm,
  confirmMatchInput,
  type FieldErrors,
  NoFields,
  RejectForm,
  RevokeForm,
  rejectInput,
  revokeInput,
  seenStage,
} from './forms.ts';
import { lostRace } from './lost-race.ts';
import { type RequestExtras, showRequest } from './show-request.ts';

const DONE = {
  approved: 'Approved. Provisioning starts in a moment.',
  stage_approved: "Approved for this stage. The next stage's approvers have been asked.",
  rejected: 'Rejected.',
  retried: 'Sent back to provisioning.',
  resent: 'A new invitation is on its way: the person gets one new email.',
  confirmed: 'Match confirmed. Provisioning starts again.',
  revoked: 'Access revoked. Guestlist is removing it now: each step shows under "Removing access".',
} as const;
type Done = keyof typeof DONE;

const PageQuery = Type.Object({ done: Type.Optional(Type.Enum(Object.keys(DONE) as Done[])) });

export const requestPageRoutes: FastifyPluginAsyncTypebox<ConsoleDeps> = async (app, deps) => {
  app.get('/admin/requests/:id', { schema: { params: IdParams, querystring: PageQuery } }, async (request, reply) => {
    const { done } = request.query;
    return showRequest(deps, request, reply, request.params.id, done ? { flash: DONE[done] } : {});
  });

  /**
   * Runs `act` unless the form has errors; redirects with `done` when it succeeds. What the
   * use case refuses (state moved on, not a candidate) shows the page again, nothing changed.
   */
  const act = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    form: { errors: FieldErrors; values?: RequestExtras['values'] },
    done: Done | ((result: unknown) => Done),
    action: () => Promise<unknown>,
  ) => {
    const again = (extras: RequestExtras, status: number) =>
      showRequest(deps, request, reply, id, { ...extras, ...(form.values ? { values: form.values } : {}) }, status);
    if (Object.keys(form.errors).length > 0) return again({ errors: form.errors }, 400);
    let result: unknown;
    try {
      result = await action();
    } catch (error) {
      if (error instanceof InvalidTransitionError) return again({ conflict: await lostRace(deps, id) }, 409);
      if (error instanceof ConflictError) return again({ conflict: `Nothing was changed: ${error.message}` }, 409);
      if (error instanceof ValidationError) return again({ errors: { choice: error.message } }, 400);
      // Not this stage's approver, or the requester themself: said on the page, nothing changed.
      if (error instanceof AppError && error.status === 403) {
        return again({ conflict: `Nothing was changed: ${error.message}` }, 403);
      }
      throw error;
    }
    const said = typeof done === 'function' ? done(result) : done;
    return reply.redirect(`/admin/requests/${id}?done=${said}`, 303);
  };

  const params = IdParams;

  app.post('/admin/requests/:id/approve', { schema: { params, body: ApproveForm } }, async (request, reply) => {
    const { id } = request.params;
    const { comment, errors } = approveInput(request.body);
    // Approved at a non-final stage: still pending, now at the next stage.
    const done = (result: unknown) =>
      (result as { status?: string } | undefined)?.status === 'pending_approval' ? 'stage_approved' : 'approved';
    return act(request, reply, id, { errors, values: { comment: request.body.comment } }, done, () =>
      decideRequest(deps, {
        id,
        actor: callerActor(request),
        authority: callerAuthority(request),
        decision: 'approve',
        comment,
        at: seenStage(request.body.stage, request.body.round),
      }),
    );
  });

  app.post('/admin/requests/:id/reject', { schema: { params, body: RejectForm } }, async (request, reply) => {
    const { id } = request.params;
    const { reason, share, errors } = rejectInput(request.body);
    return act(request, reply, id, { errors, values: { reason: request.body.reason, share } }, 'rejected', () =>
      decideRequest(deps, {
        id,
        actor: callerActor(request),
        authority: callerAuthority(request),
        decision: 'reject',
        reason,
        shareReason: share,
        at: seenStage(request.body.stage, request.body.round),
      }),
    );
  });

  app.post('/admin/requests/:id/retry', { schema: { params, body: NoFields } }, async (request, reply) => {
    const { id } = request.params;
    return act(request, reply, id, { errors: {} }, 'retried', () =>
      retryRequest(deps, { id, actor: callerActor(request) }),
    );
  });

  app.post('/admin/requests/:id/resend-invitation', { schema: { params, body: NoFields } }, async (request, reply) => {
    const { id } = request.params;
    return act(request, reply, id, { errors: {} }, 'resent', () =>
      resendInvitation(deps, { id, actor: callerActor(request) }),
    );
  });

  app.post('/admin/requests/:id/revoke', { schema: { params, body: RevokeForm } }, async (request, reply) => {
    const { id } = request.params;
    const { reason, deleteGuest, errors } = revokeInput(request.body);
    const values = { revokeReason: request.body.revokeReason, deleteGuest };
    return act(request, reply, id, { errors, values }, 'revoked', () =>
      revokeAccess(deps, { id, actor: callerActor(request), reason, deleteGuest }),
    );
  });

  app.post(
    '/admin/requests/:id/confirm-match',
    { schema: { params, body: ConfirmMatchForm } },
    async (request, reply) => {
      const { id } = request.params;
      const { choice, errors } = confirmMatchInput(request.body);
      return act(request, reply, id, { errors }, 'confirmed', () =>
        confirmMatch(deps, { id, actor: callerActor(request), choice }),
      );
    },
  );
};
