// A Graph call as it arrives over HTTP: bearer token, JSON body, request ids, then one
// operation or a $batch. Every response carries `request-id` and `client-request-id`
// (the caller's when sent, else the request-id), as Graph's do (concepts/errors.md).
import { randomUUID } from 'node:crypto';
import { type SigningKey, TokenRejected, verifyAccessToken } from '../sts/access-token.ts';
import { type BatchObserver, runBatch } from './batch.ts';
import { errorBody, GraphError, type RequestIds } from './errors.ts';
import { type GraphRuntime, runOperation } from './pipeline.ts';
import type { GraphReply } from './types.ts';

export interface GraphHttpRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  rawBody: string;
  origin: string;
}

export async function handleGraphHttp(
  request: GraphHttpRequest,
  deps: { runtime: GraphRuntime; key: SigningKey; observeBatchItem: BatchObserver },
): Promise<GraphReply & { parsedBody: unknown }> {
  const requestId = randomUUID();
  const clientRequestId = request.headers['client-request-id'] ?? requestId;
  const ids: RequestIds = { requestId, clientRequestId, now: deps.runtime.state.clock() };
  const idHeaders = { 'request-id': requestId, 'client-request-id': clientRequestId };
  let parsedBody: unknown;
  try {
    parsedBody = parseJson(request.rawBody);
    const claims = await authenticate(request.headers.authorization, deps.key, deps.runtime.state);
    const segments = request.pathname
      .slice('/v1.0'.length)
      .split('/')
      .filter(Boolean)
      .map((segment) => decodeURIComponent(segment));
    const caller = { origin: request.origin, claims };
    const reply =
      segments.length === 1 && segments[0]?.toLowerCase() === '$batch' && request.method === 'POST'
        ? await runBatch(deps.runtime, parsedBody, { ...caller, clientRequestId }, deps.observeBatchItem)
        : await runOperation(
            deps.runtime,
            { method: request.method, segments, query: request.query, headers: request.headers, body: parsedBody },
            caller,
            ids,
          );
    return { ...reply, headers: { ...reply.headers, ...idHeaders }, parsedBody };
  } catch (error) {
    const graphError =
      error instanceof GraphError
        ? error
        : error instanceof URIError
          ? new GraphError(400, 'BadRequest', 'The request URL is not valid.')
          : null;
    if (!graphError) throw error;
    return {
      status: graphError.status,
      headers: { ...graphError.headers, ...idHeaders },
      body: errorBody(graphError, ids),
      parsedBody,
    };
  }
}

function parseJson(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new GraphError(
      400,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
}

async function authenticate(
  header: string | undefined,
  key: SigningKey,
  state: GraphRuntime['state'],
): Promise<Awaited<ReturnType<typeof verifyAccessToken>>> {
  // A 401 names the authority a client should get a token from (concepts/errors.md).
  const challenge = {
    'WWW-Authenticate':
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
  };
  const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (!token) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', challenge);
  try {
    return await verifyAccessToken(key, token, { tenantId: state.tenantId, now: state.clock() });
  } catch (error) {
    if (error instanceof TokenRejected) {
      throw new GraphError(401, 'InvalidAuthenticationToken', error.message, challenge);
    }
    throw error;
  }
}
