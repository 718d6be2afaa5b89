// Graph's error body (concepts/errors.md):
//   {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}
// `innerError` with a capital E: the JS client reads `request-id` and `date` only there.
// Handlers throw GraphError; the pipeline renders it with the request's ids.

export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export interface RequestIds {
  requestId: string;
  clientRequestId: string;
  now: Date;
}

export function errorBody(error: GraphError, ids: RequestIds): unknown {
  const date = ids.now.toISOString().slice(0, 19);
  if (error.status === 429) {
    // The throttling page's sample also carries code/status/message inside innerError
    // (graph-examples.json `throttled_429`).
    return {
      error: {
        code: error.code,
        message: error.message,
        innerError: {
          code: '429',
          date,
          message: 'Please retry after',
          'request-id': ids.requestId,
          'client-request-id': ids.clientRequestId,
          status: '429',
        },
      },
    };
  }
  return {
    error: {
      code: error.code,
      message: error.message,
      innerError: { date, 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId },
    },
  };
}

export function resourceNotFound(id: string): GraphError {
  return new GraphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

export function badRequest(message: string): GraphError {
  return new GraphError(400, 'Request_BadRequest', message);
}

export function insufficientPrivileges(): GraphError {
  // concepts/json-batching.md (graph-examples.json `batch_inner_403`).
  return new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

export function tooManyRequests(retryAfterSeconds: number, extraHeaders: Record<string, string> = {}): GraphError {
  return new GraphError(429, 'TooManyRequests', 'Please retry again later.', {
    'Retry-After': String(retryAfterSeconds),
    ...extraHeaders,
  });
}
