// Directory failures, classified once in the Graph adapter (ARCHITECTURE.md, "Errors"):
// transient ones (429, 5xx, timeouts, network) are retried by the job runner honouring
// Retry-After; permanent ones (other 4xx) move the request to `failed` with Graph's
// error code and request-id kept for the administrator — unless the fault is the
// tenant's (scope `tenant`: no request could succeed until an administrator acts), which
// pauses provisioning instead of failing requests one by one (jobs/directory-pause.ts).
import { AppError } from './errors.ts';

/**
 * `request`: about this request only (a bad address, a group that refuses it).
 * `tenant`: every request would meet it — the app's credentials, its permissions or
 * consent, the tenant's invitation policy.
 */
export type DirectoryErrorScope = 'request' | 'tenant';

export class DirectoryError extends AppError {
  readonly transient: boolean;
  /** Graph's `error.code`, e.g. `Request_BadRequest`, or `network`/`timeout`. */
  readonly graphCode: string;
  readonly httpStatus: number | null;
  /** Graph's `innerError.request-id`, quoted to Microsoft support. */
  readonly requestId: string | null;
  /** From Retry-After, when Graph sent one. */
  readonly retryAfterMs: number | null;
  readonly scope: DirectoryErrorScope;
  /**
   * A 429's `x-ms-throttle-scope` (`<Scope>/<Limit>/<ApplicationId>/<Tenant>`, e.g.
   * `Tenant/ReadWrite/…`): the limit it met is shared, so every call of that kind waits.
   */
  readonly throttleScope: string | null;
  /** For a tenant fault: what an administrator should do, in one line. */
  readonly fix: string | null;

  constructor(input: {
    message: string;
    transient: boolean;
    graphCode: string;
    httpStatus?: number | null;
    requestId?: string | null;
    retryAfterMs?: number | null;
    scope?: DirectoryErrorScope;
    throttleScope?: string | null;
    fix?: string | null;
    cause?: unknown;
  }) {
    super('directory_error', input.message, { status: 502, expose: false, cause: input.cause });
    this.transient = input.transient;
    this.graphCode = input.graphCode;
    this.httpStatus = input.httpStatus ?? null;
    this.requestId = input.requestId ?? null;
    this.retryAfterMs = input.retryAfterMs ?? null;
    this.scope = input.scope ?? 'request';
    this.throttleScope = input.throttleScope ?? null;
    this.fix = input.fix ?? null;
  }

  /** What an admin sees on a failed request. No secrets: Graph messages carry none. */
  describe(): string {
    const parts = [`${this.graphCode}: ${this.message}`];
    if (this.httpStatus) parts.push(`HTTP ${this.httpStatus}`);
    if (this.requestId) parts.push(`request-id ${this.requestId}`);
    return parts.join(' · ');
  }
}
