// One error hierarchy for the whole product. Each error carries a stable machine
// `code`, the HTTP status it maps to, and whether its message may be shown to the
// caller (`expose`). The HTTP layer maps these in exactly one error handler; a 5xx
// message is never shown.

export interface FieldError {
  /** JSON pointer-ish path of the offending field, e.g. "/email". */
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly fields: FieldError[] | undefined;

  constructor(
    code: string,
    message: string,
    options: { status?: number; expose?: boolean; fields?: FieldError[]; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? 500;
    this.expose = options.expose ?? this.status < 500;
    this.fields = options.fields;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, fields: FieldError[]) {
    super('validation_failed', message, { status: 400, fields });
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super('not_found', `${what} was not found.`, { status: 404 });
  }
}

/** A request cannot take this event in its current state (or another actor won the race). */
export class InvalidTransitionError extends AppError {
  readonly from: string;
  readonly event: string;
  constructor(from: string, event: string) {
    super('invalid_transition', `A request that is ${from} cannot be ${describeEvent(event)}.`, {
      status: 409,
    });
    this.from = from;
    this.event = event;
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(code, message, { status: 409 });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'A valid bearer token is required.') {
    super('unauthorized', message, { status: 401 });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'This token may not perform this action.') {
    super('forbidden', message, { status: 403 });
  }
}

function describeEvent(event: string): string {
  const words: Record<string, string> = {
    verify: 'verified',
    approve: 'approved',
    reject: 'rejected',
    start_provisioning: 'provisioned',
    invite: 'marked invited',
    activate: 'activated',
    fail: 'marked failed',
    retry: 'retried',
    expire: 'expired',
    revoke: 'revoked',
    withdraw: 'withdrawn',
  };
  return words[event] ?? event;
}
