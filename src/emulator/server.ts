// The HTTPS front: reads the request, sends it to the Graph, redeem, inspection or token
// side by path, writes the reply, and reports every request to the listeners.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BatchObserver } from './graph/batch.ts';
import { handleGraphHttp } from './graph/entry.ts';
import type { GraphRuntime } from './graph/pipeline.ts';
import { redeemTicket } from './redeem.ts';
import type { EmulatorState, InvitationLogEntry } from './state.ts';
import type { SigningKey } from './sts/access-token.ts';
import { handleSts } from './sts/routes.ts';

/** Graph's own JSON content type (what the SDKs see from graph.microsoft.com). */
const GRAPH_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
/** Graph caps a request (a $batch included) at 4 MB. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface RequestEvent {
  method: string;
  path: string;
  /** 0 for an injected lost answer (the connection was reset, no status was sent). */
  status: number;
  receivedAtMs: number;
}

export interface ServerDeps {
  state: EmulatorState;
  key: SigningKey;
  runtime: GraphRuntime;
  url: () => string;
  /** Called after anything that may have changed the state (for the state file). */
  changed: () => void;
  emit: (event: RequestEvent) => void;
}

export function requestHandler(deps: ServerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const receivedAtMs = performance.timeOrigin + performance.now();
    handle(deps, req, res, receivedAtMs).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { 'content-type': 'application/json' }, { error: String(error) });
      else res.destroy();
    });
  };
}

async function handle(
  deps: ServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  receivedAtMs: number,
): Promise<void> {
  const method = req.method ?? 'GET';
  const origin = req.headers.host ? `https://${req.headers.host}` : deps.url();
  const url = new URL(req.url ?? '/', origin);
  const rawBody = await readBody(req);
  if (rawBody === null) {
    send(res, 413, {}, undefined);
    deps.emit({ method, path: url.pathname, status: 413, receivedAtMs });
    return;
  }
  const headers = lowerCaseHeaders(req);
  const record = (m: string, path: string, status: number, body: unknown) => {
    if (m === 'POST' && path.toLowerCase() === '/v1.0/invitations') {
      const entry: InvitationLogEntry = { at: deps.state.clock(), receivedAtMs, body, status };
      deps.state.invitationLog.push(entry);
    }
  };
  let status: number;

  if (url.pathname === '/v1.0' || url.pathname.startsWith('/v1.0/')) {
    const observeBatchItem: BatchObserver = (item) => {
      record(item.method, item.path, item.reply.status, item.body);
      deps.emit({ method: item.method, path: item.path, status: item.reply.status, receivedAtMs });
    };
    const reply = await handleGraphHttp(
      { method, pathname: url.pathname, query: url.searchParams, headers, rawBody, origin },
      { runtime: deps.runtime, key: deps.key, observeBatchItem },
    );
    // An injected lost answer: the operation ran; reset the connection without a word.
    status = reply.lost ? 0 : reply.status;
    // Any Graph write ($batch included) may have changed the directory, even one that
    // failed (an injected fault after the effect). Flagging every write is easier to keep
    // right than flagging each mutation site, and saves are coalesced anyway.
    if (method !== 'GET') deps.changed();
    record(method, url.pathname, status, reply.parsedBody ?? rawBody);
    if (reply.lost) {
      res.destroy();
    } else {
      const contentType: Record<string, string> = reply.body === undefined ? {} : { 'content-type': GRAPH_JSON };
      send(res, status, { ...contentType, ...reply.headers }, reply.body);
    }
  } else if (url.pathname === '/redeem' && method === 'GET') {
    const redeemed = redeemTicket(deps.state, url.search);
    if (redeemed) deps.changed();
    status = redeemed ? 302 : 404;
    if (redeemed) send(res, 302, { location: redeemed.redirectUrl }, undefined);
    else send(res, 404, { 'content-type': 'text/plain; charset=utf-8' }, 'This invitation link is not valid.');
  } else if (url.pathname.startsWith('/_emulator/')) {
    status = inspect(deps.state, req, url.pathname, res);
  } else {
    const correlationId = headers['client-request-id'] ?? url.searchParams.get('client-request-id') ?? undefined;
    const reply = await handleSts(
      {
        method,
        segments: url.pathname.split('/').filter(Boolean),
        body: rawBody,
        query: url.searchParams,
        authorization: headers.authorization,
        correlationId,
        origin,
      },
      { state: deps.state, key: deps.key, url: deps.url() },
    );
    status = reply.status;
    // Entra answers with its own request id, and echoes the caller's correlation id.
    const ids: Record<string, string> = { 'x-ms-request-id': randomUUID() };
    if (correlationId) ids['client-request-id'] = correlationId;
    send(
      res,
      status,
      {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store, no-cache',
        ...ids,
        ...reply.headers,
      },
      reply.body,
    );
  }
  deps.emit({ method, path: url.pathname, status, receivedAtMs });
}

/**
 * `/_emulator/mailbox` and `/_emulator/invitations`: the logs as JSON, for other processes
 * (benchmarks). Unauthenticated, so answered only over loopback.
 */
function inspect(state: EmulatorState, req: IncomingMessage, pathname: string, res: ServerResponse): number {
  const remote = req.socket.remoteAddress ?? '';
  if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(remote)) {
    send(res, 403, {}, undefined);
    return 403;
  }
  const data =
    pathname === '/_emulator/mailbox'
      ? state.mailbox
      : pathname === '/_emulator/invitations'
        ? state.invitationLog
        : null;
  if (data === null) {
    send(res, 404, {}, undefined);
    return 404;
  }
  send(res, 200, { 'content-type': 'application/json; charset=utf-8' }, data);
  return 200;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
