// Every request and response body of the JSON API, as TypeBox schemas: Fastify validates
// with them, the OpenAPI document is generated from them, and the TypeScript types are
// derived from them (Static<…>) instead of being written twice.
import { type Static, Type } from 'typebox';
import { LONG_ANSWER_MAX_LENGTH } from '../../domain/answers.ts';
import { JUSTIFICATION_MAX_LENGTH } from '../../domain/justification.ts';
import { STATUSES } from '../../domain/lifecycle.ts';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH } from '../../domain/person.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Timestamp = Type.String({ format: 'date-time' });
/** Free text may hold line breaks and tabs, but no other control character (NUL breaks PostgreSQL). */
const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$';

export const StatusSchema = Type.Enum(STATUSES, { description: 'Lifecycle state of an access request.' });

/** Room for \r\n line endings and surrounding spaces; domain/justification.ts counts what is kept. */
export const Justification = Type.String({
  maxLength: JUSTIFICATION_MAX_LENGTH * 2,
  description: 'Why the requester needs access (optional, at most 1000 characters); shown to approvers.',
});

export const SubmitBody = Type.Object(
  {
    // Deliberately no `format: email`: surrounding spaces and upper case are normalized,
    // and the domain rules (domain/person.ts) give a clearer message than a format error.
    email: Type.String({ maxLength: EMAIL_MAX_LENGTH + 66, description: "The requester's email address." }),
    // The schema bounds the size; domain/person.ts applies the exact rules after trimming.
    firstName: Type.String({ maxLength: NAME_MAX_LENGTH * 2 }),
    lastName: Type.String({ maxLength: NAME_MAX_LENGTH * 2 }),
    justification: Type.Optional(Justification),
    app: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 63,
        description:
          "The app's slug (GET /request lists the open ones). Left out: the default app while it is the one offered, or the only open app.",
      }),
    ),
    answers: Type.Optional(
      Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: LONG_ANSWER_MAX_LENGTH * 2 }), {
        maxProperties: 50,
        description:
          "The answers to the app's questions, by question id: text (short answers at most 200 characters, long ones 2000); a single choice is one of its choices.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type SubmitBody = Static<typeof SubmitBody>;

export const SubmitResponse = Type.Object({
  id: Type.String(),
  status: StatusSchema,
  /** The app's slug. */
  app: Type.String(),
});

export const AuditEntryView = Type.Object({
  at: Timestamp,
  actor: Type.String(),
  action: Type.String(),
  fromStatus: Nullable(StatusSchema),
  toStatus: Nullable(StatusSchema),
  reason: Nullable(Type.String()),
});

const requestFields = {
  id: Type.String(),
  email: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  justification: Nullable(Type.String()),
  /** The app asked for (its slug; `default` for the app built from the environment). */
  app: Type.String(),
  /** The answers to the app's questions, by question id. */
  answers: Type.Record(Type.String(), Type.String()),
  /** When the access ends (set once active; null: no end, or not active yet). */
  accessExpiresAt: Nullable(Timestamp),
  status: StatusSchema,
  directoryUserId: Nullable(Type.String()),
  redeemUrl: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /**
   * A pending request's approval stage and round (null stage: approval began before stages
   * existed). Send them back with a decision to bind it to this stage: a retried approve
   * then answers 409 stage_decided instead of approving the next stage.
   */
  approval: Type.Optional(
    Type.Object({ stage: Nullable(Type.Integer({ minimum: 0 })), round: Type.Integer({ minimum: 0 }) }),
  ),
};
export const AccessRequestView = Type.Object(requestFields);
export const DirectoryMatchView = Type.Object({
  userId: Type.String(),
  displayName: Nullable(Type.String()),
  mail: Nullable(Type.String()),
  userType: Type.String(),
  accountEnabled: Nullable(Type.Boolean()),
  externalUserState: Nullable(Type.String()),
  matchedBy: Type.Array(Type.String()),
});
export const ProvisioningView = Type.Object({
  grantedGroupIds: Type.Array(Type.String()),
  invitationEmailsSent: Type.Integer(),
  /** Set while the request is needs_confirmation: the users the lookup found. */
  matchCandidates: Nullable(Type.Array(DirectoryMatchView)),
  /** Why the last email to the requester could not be sent. */
  mailError: Nullable(Type.String()),
});
export const AccessRequestDetail = Type.Object({
  ...requestFields,
  provisioning: ProvisioningView,
  history: Type.Array(AuditEntryView),
});
export const ConfirmMatchBody = Type.Union(
  [
    Type.Object({ userId: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
    Type.Object({ inviteAsNewGuest: Type.Literal(true) }, { additionalProperties: false }),
  ],
  { description: 'Either the directory user the request is for, or inviteAsNewGuest: true.' },
);

export const ListQuery = Type.Object(
  {
    status: Type.Optional(StatusSchema),
    search: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'The start of the email address, of its domain, of the full name or of the last name; any case.',
      }),
    ),
    app: Type.Optional(
      Type.String({ minLength: 1, maxLength: 63, description: "Only this app's requests (its slug)." }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    after: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export const ListResponse = Type.Object({
  items: Type.Array(AccessRequestView),
  next: Nullable(Type.String()),
  /** How many requests are in each state, whatever the filter (states with none left out). */
  counts: Type.Record(Type.String(), Type.Integer()),
});

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
/** The stage the caller decides (its `approval` in the request view); left out: the stage it is at now. */
const seenStage = {
  stage: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 2 }))),
  round: Type.Optional(Type.Integer({ minimum: 0, maximum: 1 })),
};
export const ApproveBody = Type.Object(
  { comment: Type.Optional(Type.String({ maxLength: 2000, pattern: NO_CONTROL_CHARACTERS })), ...seenStage },
  { additionalProperties: false },
);
export const RejectBody = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 2000, pattern: NO_CONTROL_CHARACTERS }),
    ...seenStage,
    shareReason: Type.Optional(
      Type.Boolean({
        description:
          'Show the reason to the requester (their status page and the rejection email). ' +
          'Left out or false: the reason is kept for admins only.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const RevokeBody = Type.Object(
  {
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500, pattern: NO_CONTROL_CHARACTERS })),
    /** Also delete the guest account, if this request's invitation created it (app/remove-access.ts). */
    deleteGuest: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const SandboxMessageView = Type.Object({
  id: Type.String(),
  source: Type.Union([Type.Literal('guestlist'), Type.Literal('graph')]),
  from: Type.String(),
  to: Type.Array(Type.String()),
  subject: Type.String(),
  text: Type.String(),
  links: Type.Array(Type.String()),
  sentAt: Timestamp,
});
export const SandboxMessages = Type.Object({ items: Type.Array(SandboxMessageView) });

/** RFC 9457 problem details, with Guestlist's stable `code` and the offending fields. */
export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  code: Type.String(),
  errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
});
export type Problem = Static<typeof Problem>;

/** The error responses every API route may give, for the OpenAPI document. */
export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, { ...Problem, description: 'Problem details (RFC 9457)' }]));
