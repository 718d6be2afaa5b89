// What an error means to a caller (ARCHITECTURE.md, "Errors"): one classification into
// an RFC 9457 problem, which the API sends as application/problem+json (sendProblem) and
// the web pages render as a page (web/errors.ts). The message of a 5xx is never shown;
// the error is logged instead.

import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from '../domain/errors.ts';
import type { Problem } from './api/schemas.ts';
import { bearerChallenge } from './auth.ts';

/** Fastify's own errors for malformed requests, with the codes we promise instead. */
const FASTIFY_ERRORS: Record<string, { code: string; status: number; detail: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    status: 415,
    detail: 'Send the body as application/json.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'body_too_large', status: 413, detail: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', status: 400, detail: 'The body is not valid JSON.' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'uri_too_long', status: 414, detail: 'The URL is too long.' },
  FST_ERR_BAD_URL: { code: 'invalid_url', status: 400, detail: 'The URL is not valid.' },
  // @fastify/csrf-protection: a form posted without, or with a stale, token.
  FST_CSRF_MISSING_SECRET: {
    code: 'csrf_failed',
    status: 403,
    detail: 'This form has expired or did not come from this site. Go back, reload the page and send it again.',
  },
  FST_CSRF_INVALID_TOKEN: {
    code: 'csrf_failed',
    status: 403,
    detail: 'This form has expired or did not come from this site. Go back, reload the page and send it again.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'invalid_request',
    status: 400,
    detail: 'Content-Length does not match the body.',
  },
};

export function toProblem(error: unknown): Problem {
  if (error instanceof AppError) {
    return problem(
      error.status,
      error.code,
      error.expose ? error.message : 'An internal error occurred.',
      error.fields,
    );
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) {
    const context = fastifyError.validationContext ?? 'body';
    const fields = fastifyError.validation.flatMap((issue) => fieldErrors(context, issue));
    return problem(400, 'validation_failed', 'The request has invalid fields.', fields);
  }
  const known = fastifyError.code ? FASTIFY_ERRORS[fastifyError.code] : undefined;
  if (known) return problem(known.status, known.code, known.detail);
  if (fastifyError.statusCode === 429) return problem(429, 'rate_limited', 'Too many requests; try again later.');
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return problem(fastifyError.statusCode, 'invalid_request', 'The request could not be processed.');
  }
  return problem(500, 'internal_error', 'An internal error occurred.');
}

export function problem(status: number, code: string, detail: string, errors?: FieldError[]): Problem {
  return {
    type: `https://guestlist.dev/problems/${code.replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

/** Answers `error` as application/problem+json (the API, and what is not a page). */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const body = toProblem(error);
  if (body.status >= 500) request.log.error({ err: error }, 'request failed');
  if (body.status === 401) reply.header('www-authenticate', bearerChallenge(request));
  return reply.status(body.status).type('application/problem+json').send(body);
}

/** Node's HTTP parser errors, met before there is a request for Fastify to handle. */
const CLIENT_ERRORS: Record<string, { code: string; status: number; detail: string }> = {
  HPE_HEADER_OVERFLOW: {
    code: 'headers_too_large',
    status: 431,
    detail: 'The request headers, with the URL, are too large.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'request_timeout', status: 408, detail: 'The request took too long to arrive.' },
};

/**
 * Fastify's clientErrorHandler: answers what Node could not parse (as Node and Fastify do by
 * default) in problem+json, with nothing taken from the request.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = CLIENT_ERRORS[error.code ?? ''];
  const body = known
    ? problem(known.status, known.code, known.detail)
    : problem(400, 'invalid_request', 'The request could not be read.');
  // As Node does: answer only if no response on this connection has begun, or the status
  // line would land in the middle of it.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const json = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${body.status} ${STATUS_CODES[body.status]}\r\nConnection: close\r\n` +
        `Content-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
    );
  }
  socket.destroy(error);
}

type SchemaIssue = { keyword?: string; schemaPath?: string; instancePath?: string; message?: string; params?: object };

/**
 * One entry per offending field. TypeBox reports all the missing (or unexpected) properties
 * of an object in one issue, and an unexpected one a second time as "schema is false".
 */
function fieldErrors(context: string, issue: SchemaIssue): FieldError[] {
  const at = (path: string, message: string) => ({ field: context === 'body' ? path : `${context}:${path}`, message });
  const base = issue.instancePath ?? '';
  const params = (issue.params ?? {}) as { requiredProperties?: unknown; additionalProperties?: unknown };
  if (Array.isArray(params.requiredProperties)) {
    return params.requiredProperties.map((name) => at(`${base}/${name}`, 'is required'));
  }
  if (Array.isArray(params.additionalProperties)) {
    return params.additionalProperties.map((name) => at(`${base}/${name}`, 'is not allowed'));
  }
  if (issue.keyword === 'boolean' && issue.schemaPath?.endsWith('/additionalProperties')) return [];
  return [at(base || '/', issue.message ?? 'is invalid')];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};
