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
export const ApproveForm = Type.Object({ ...csrf, comment: text(4000) });
export const RejectForm = Type.Object({ ...csrf, reason: text(4000), share: text(10) });
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

export function bulkInput(body: {
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
  return { ids, action, reason, share, errors };
}
