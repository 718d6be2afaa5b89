// POST /$batch (concepts/json-batching.md):
//  - at most 20 requests, each {id, method, url relative to the version root, headers?, body?,
//    dependsOn?}; a request with a body needs a Content-Type header, else the whole batch is
//    400 "Write request id : {id} does not contain Content-Type header or body.";
//  - every inner request is authorized, faulted and throttled on its own;
//  - a request whose dependency failed is answered 424 and never runs;
//  - the batch itself answers 200 {responses: [{id, status, headers, body}]}.
import { randomUUID } from 'node:crypto';
import type { AccessClaims } from '../sts/access-token.ts';
import { errorBody, GraphError, type RequestIds } from './errors.ts';
import { type GraphRuntime, runOperation } from './pipeline.ts';
import type { GraphOperation, GraphReply } from './types.ts';

export const MAX_BATCH_REQUESTS = 20;

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

export type BatchObserver = (item: { method: string; path: string; body: unknown; reply: GraphReply }) => void;

function invalid(message = 'Invalid batch payload format.'): GraphError {
  return new GraphError(400, 'BadRequest', message);
}

function parseItems(body: unknown): BatchItem[] {
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests) || requests.length === 0) throw invalid();
  if (requests.length > MAX_BATCH_REQUESTS) {
    throw invalid(`The batch contains ${requests.length} requests; the maximum is ${MAX_BATCH_REQUESTS}.`);
  }
  const items = requests.map((raw: Record<string, unknown>) => {
    if (typeof raw?.id !== 'string' || raw.id === '' || typeof raw.method !== 'string' || typeof raw.url !== 'string') {
      throw invalid();
    }
    const headers = Object.fromEntries(
      Object.entries((raw.headers ?? {}) as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    if (raw.body !== undefined && !headers['content-type']) {
      throw invalid(`Write request id : ${raw.id} does not contain Content-Type header or body.`);
    }
    const dependsOn = Array.isArray(raw.dependsOn) ? raw.dependsOn.map(String) : [];
    return { id: raw.id, method: raw.method.toUpperCase(), url: raw.url, headers, body: raw.body, dependsOn };
  });
  const ids = new Set(items.map((item) => item.id));
  if (ids.size !== items.length) throw invalid('Batch request ids must be unique.');
  for (const item of items) {
    for (const dep of item.dependsOn) {
      if (!ids.has(dep)) throw invalid(`Request id '${item.id}' depends on unknown request id '${dep}'.`);
    }
  }
  return executionOrder(items);
}

/** Dependencies first, otherwise request order; a cycle rejects the batch. */
function executionOrder(items: BatchItem[]): BatchItem[] {
  const done = new Set<string>();
  const ordered: BatchItem[] = [];
  while (ordered.length < items.length) {
    const next = items.find((item) => !done.has(item.id) && item.dependsOn.every((dep) => done.has(dep)));
    if (!next) throw invalid('The dependsOn references of the batch form a cycle.');
    done.add(next.id);
    ordered.push(next);
  }
  return ordered;
}

export async function runBatch(
  runtime: GraphRuntime,
  body: unknown,
  caller: { origin: string; claims: AccessClaims; clientRequestId: string },
  observe: BatchObserver,
): Promise<GraphReply> {
  const items = parseItems(body);
  const statuses = new Map<string, number>();
  const responses: unknown[] = [];
  let lost = false;
  for (const item of items) {
    const ids: RequestIds = {
      requestId: randomUUID(),
      clientRequestId: item.headers['client-request-id'] ?? caller.clientRequestId,
      now: runtime.state.clock(),
    };
    const url = new URL(item.url.startsWith('/') ? item.url : `/${item.url}`, 'https://batch.invalid');
    const path = `/v1.0${url.pathname}`;
    let reply: GraphReply;
    if (/^https?:/i.test(item.url)) {
      reply = failure(
        new GraphError(400, 'BadRequest', 'Invalid request URL: batch request URLs must be relative.'),
        ids,
      );
    } else if (item.dependsOn.some((dep) => !isSuccess(statuses.get(dep)))) {
      reply = failure(new GraphError(424, 'FailedDependency', 'Failed dependency.'), ids);
    } else {
      const op: GraphOperation = {
        method: item.method,
        segments: url.pathname.split('/').filter(Boolean).map(decodeURIComponent),
        query: url.searchParams,
        headers: item.headers,
        body: item.body,
      };
      reply =
        op.segments[0]?.toLowerCase() === '$batch'
          ? failure(new GraphError(400, 'BadRequest', 'Nested batch requests are not supported.'), ids)
          : await runOperation(runtime, op, caller, ids);
    }
    statuses.set(item.id, reply.status);
    // One inner answer lost means the batch's connection was lost: the other requests
    // still ran (their effects stand), but nobody hears about any of them.
    if (reply.lost) lost = true;
    observe({ method: item.method, path, body: item.body, reply });
    const headers: Record<string, string> = {
      'Cache-Control': 'no-cache',
      'x-ms-resource-unit': '1',
      ...reply.headers,
    };
    if (reply.body !== undefined) headers['Content-Type'] = 'application/json';
    responses.push({
      id: item.id,
      status: reply.status,
      headers,
      ...(reply.body === undefined ? {} : { body: reply.body }),
    });
  }
  return { status: 200, body: { responses }, ...(lost ? { lost } : {}) };
}

function failure(error: GraphError, ids: RequestIds): GraphReply {
  return { status: error.status, headers: error.headers, body: errorBody(error, ids) };
}

function isSuccess(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 300;
}
