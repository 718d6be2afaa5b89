// One Graph operation, from route to reply, shared by direct calls and $batch items.
// Order of checks: route (400/405), permission (403), injected fault before effect
// (429/5xx), invitation throttle (429), the handler, injected fault after effect (5xx,
// response lost) or lost answer (connection reset, `GraphReply.lost`). Every GraphError
// becomes the documented error body here.
import type { EmulatorState } from '../state.ts';
import type { AccessClaims } from '../sts/access-token.ts';
import { appRoleRoutes } from './app-roles.ts';
import { errorBody, GraphError, insufficientPrivileges, type RequestIds, tooManyRequests } from './errors.ts';
import { FAULT_CODES, type FaultDecision, type FaultInjector } from './faults.ts';
import { groupRoutes } from './groups.ts';
import { invitationRoutes } from './invitations.ts';
import { isAllowed } from './permissions.ts';
import { sendMailRoutes } from './send-mail.ts';
import { tenantRoutes } from './tenant.ts';
import type { SlidingWindow } from './throttle.ts';
import type { GraphOperation, GraphReply, Route } from './types.ts';
import { userRoutes } from './users.ts';

const ROUTES: Route[] = [
  ...userRoutes,
  ...sendMailRoutes,
  ...invitationRoutes,
  ...groupRoutes,
  ...appRoleRoutes,
  ...tenantRoutes,
];

export interface GraphRuntime {
  state: EmulatorState;
  redeemBaseUrl: string;
  throttle: SlidingWindow | null;
  injectFault: FaultInjector;
}

export async function runOperation(
  runtime: GraphRuntime,
  op: GraphOperation,
  caller: { origin: string; claims: AccessClaims },
  ids: RequestIds,
): Promise<GraphReply> {
  // Set once the handler is reached: only an operation that ran can lose its answer.
  let loseAnswer = false;
  try {
    const { route, params } = matchRoute(op.method, op.segments);
    if (!isAllowed(route.permission, caller.claims.roles)) throw route.denied?.() ?? insufficientPrivileges();
    const decision = runtime.injectFault(route.name);
    if (decision.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
    if (decision.fault && !decision.fault.afterEffect) throw faultError(decision.fault);
    if (route.throttled && runtime.throttle) {
      const admission = runtime.throttle.admit(runtime.state.clock().getTime());
      if (!admission.admitted) {
        // Identity and access throttling headers (concepts/throttling-limits.md).
        throw tooManyRequests(admission.retryAfterSeconds, {
          'x-ms-throttle-scope': `Tenant/ReadWrite/${runtime.state.tenantId}`,
          'x-ms-throttle-information': 'WriteLimitExceeded',
        });
      }
    }
    const ctx = { ...caller, state: runtime.state, redeemBaseUrl: runtime.redeemBaseUrl };
    loseAnswer = decision.lostAnswer;
    const reply = await route.handle(op, params, ctx);
    if (decision.fault) throw faultError(decision.fault);
    return loseAnswer ? { ...reply, lost: true } : reply;
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    const reply = { status: error.status, headers: error.headers, body: errorBody(error, ids) };
    return loseAnswer ? { ...reply, lost: true } : reply;
  }
}

function faultError(fault: NonNullable<FaultDecision['fault']>): GraphError {
  if (fault.status === 429) return tooManyRequests(fault.retryAfterSeconds ?? 1);
  const { code, message } = FAULT_CODES[fault.status] ?? { code: 'ServiceUnavailable', message: 'Service Unavailable' };
  const headers: Record<string, string> =
    fault.retryAfterSeconds === null ? {} : { 'Retry-After': String(fault.retryAfterSeconds) };
  return new GraphError(fault.status, code, message, headers);
}

function matchRoute(method: string, segments: string[]): { route: Route; params: Record<string, string> } {
  let pathMatched = false;
  for (const route of ROUTES) {
    const params = matchPattern(route.pattern, segments);
    if (!params) continue;
    if (route.method === method) return { route, params };
    pathMatched = true;
  }
  if (pathMatched) {
    throw new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
  }
  // Name the first segment no route accepts at its position, as Graph does.
  const index = segments.findIndex(
    (segment, i) =>
      !ROUTES.some((route) => {
        const part = route.pattern[i];
        return part !== undefined && (part.startsWith(':') || part.toLowerCase() === segment.toLowerCase());
      }),
  );
  const unknown = segments[index === -1 ? segments.length - 1 : index] ?? '';
  throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${unknown}'.`);
}

function matchPattern(pattern: string[], segments: string[]): Record<string, string> | null {
  if (pattern.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of pattern.entries()) {
    const segment = segments[i] as string;
    if (part.startsWith(':')) params[part.slice(1)] = segment;
    else if (part.toLowerCase() !== segment.toLowerCase()) return null;
  }
  return params;
}
