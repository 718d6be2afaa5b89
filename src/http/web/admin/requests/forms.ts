// The console's request forms. The route schemas only bound what a form may send (so an
// absurd post is a plain 400); the fields are then checked with the API's own schemas
// (api/schemas.ts), and each problem becomes a message beside its field with the page
// shown again, as a person expects from a form.
import { type TSchema, Type } from 'typebox';
import { Value } from 'typebox/value';
import { ApproveBody, ConfirmMatchBody, RejectBody, RevokeBody } from '../../../api/schemas.ts';

const text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
const csrf = { _csrf: text(200) };

// Twice the API's limits: a little too long is told beside the field, not refused outright.
// `stage` and `round`: the approval stage the page showed (seenStage below).
const seen = { stage: text(10), round: text(10) };
export const ApproveForm = Type.Object({ ...csrf, ...seen, comment: text(4000) });
export const RejectForm = Type.Object({ ...csrf, ...seen, reason: text(4000), share: text(10) });
export const ConfirmMatchForm = Type.Object({ ...csrf, choice: text(200) });
export const RevokeForm = Type.Object({ ...csrf, revokeReason: text(1000), deleteGuest: text(10) });
export const NoFields = Type.Object(csrf);
const Id = Type.String({ format: 'uuid' });
export const BulkForm = Type.Object({
  ...csrf,
  ids: Type.Optional(Type.Union([Id, Type.Array(Id, { maxItems: 200 })])),
  action: text(20),
  reason: text(4000),
  share: text(10),
  /** `id:stage:round` of each pending row the page showed (seenStage). */
  seen: Type.Optional(Type.Union([text(100), Type.Array(Type.String({ maxLength: 100 }), { maxItems: 200 })])),
});

export type FieldErrors = Record<string, string>;

/** The form's errors against `schema`, with `messages` (by field) for what people read. */
function check(schema: TSchema, value: object, messages: Record<string, string>): FieldErrors {
  const errors: FieldErrors = {};
  for (const error of Value.Errors(schema, value)) {
    const name = error.instancePath.replace(/^\//, '').split('/')[0] || Object.keys(messages)[0] || 'form';
    errors[name] ??= messages[name] ?? error.message;
  }
  return errors;
}

/** A checkbox (components.ts sends `yes`): ticked or not; anything else is a forged form. */
function checkBox(name: string, value: string | undefined, errors: FieldErrors): boolean {
  if (value !== undefined && value !== 'yes') errors[name] = 'Tick the box, or leave it empty.';
  return value === 'yes';
}
const checkShare = (share: string | undefined, errors: FieldErrors) => checkBox('share', share, errors);

export function approveInput(body: { comment?: string | undefined }) {
  const comment = body.comment?.trim() || undefined;
  const errors = check(ApproveBody, comment ? { comment } : {}, {
    comment: 'Keep the comment under 2,000 characters, without control characters.',
  });
  return { comment, errors };
}

export function rejectInput(body: { reason?: string | undefined; share?: string | undefined }) {
  const reason = body.reason?.trim() ?? '';
  const errors = check(
    RejectBody,
    { reason },
    {
      reason:
        reason === ''
          ? 'Enter the reason for rejecting.'
          : 'Keep the reason under 2,000 characters, without control characters.',
    },
  );
  const share = checkShare(body.share, errors);
  return { reason, share, errors };
}

export function revokeInput(body: { revokeReason?: string | undefined; deleteGuest?: string | undefined }) {
  const reason = body.revokeReason?.trim() || undefined;
  const errors: FieldErrors = {};
  if (reason && !Value.Check(RevokeBody, { reason })) {
    errors.revokeReason = 'Keep the reason under 500 characters, without control characters.';
  }
  const deleteGuest = checkBox('deleteGuest', body.deleteGuest, errors);
  return { reason, deleteGuest, errors };
}

const CHOOSE = 'Choose the user this request is for, or to invite the address as a new guest.';

export function confirmMatchInput(body: { choice?: string | undefined }) {
  const choice = body.choice ?? '';
  const value = choice === 'new' ? { inviteAsNewGuest: true as const } : { userId: choice };
  const errors: FieldErrors = Value.Check(ConfirmMatchBody, value) ? {} : { choice: CHOOSE };
  return { choice: value, errors };
}

/**
 * The approval stage and round the decider was shown, as the page's hidden fields carry it
 * (`none` for a request that waited before stages existed). A decision is bound to it, so a
 * click on a page that showed stage 1 never approves stage 2 (decide-request.ts `at`):
 * without it, two admins pressing Approve on the same page would decide two stages.
 */
export function seenStage(stage: string | undefined, round: string | undefined) {
  if (stage === undefined || round === undefined || !/^\d{1,3}$/.test(round)) return undefined;
  if (stage !== 'none' && !/^\d{1,3}$/.test(stage)) return undefined;
  return { stage: stage === 'none' ? null : Number(stage), round: Number(round) };
}

/** The stage each row showed, by request id, from the bulk form's `seen` fields. */
function seenStages(seen: string | string[] | undefined) {
  const byId = new Map<string, { stage: number | null; round: number }>();
  for (const each of [seen ?? []].flat()) {
    const [id, stage, round] = each.split(':');
    const at = seenStage(stage, round);
    if (id && at) byId.set(id, at);
  }
  return byId;
}

export function bulkInput(body: {
  seen?: string | string[] | undefined;
  ids?: string | string[] | undefined;
  action?: string | undefined;
  reason?: string | undefined;
  share?: string | undefined;
}) {
  const ids = [...new Set([body.ids ?? []].flat())];
  const errors: FieldErrors = {};
  if (ids.length === 0) errors.ids = 'Select at least one request.';
  const action: 'approve' | 'reject' | null =
    body.action === 'approve' ? 'approve' : body.action === 'reject' ? 'reject' : null;
  if (!action) errors.action = 'Choose "Approve selected" or "Reject selected".';
  const reason = body.reason?.trim() ?? '';
  if (action === 'reject') Object.assign(errors, rejectInput({ reason }).errors);
  const share = checkShare(body.share, errors);
  return { ids, action, reason, share, errors, seen: seenStages(body.seen) };
}
