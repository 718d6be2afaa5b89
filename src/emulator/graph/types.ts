// What a Graph route handler receives and returns. The same handlers serve direct calls
// and the inner requests of a $batch, so nothing here is tied to node:http.
import type { EmulatorState } from '../state.ts';
import type { AccessClaims } from '../sts/access-token.ts';
import type { GraphError } from './errors.ts';
import type { OperationName } from './faults.ts';
import type { Permission } from './permissions.ts';

export interface GraphOperation {
  method: string;
  /** Decoded path segments after `/v1.0` (`%23` already turned into `#`). */
  segments: string[];
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: unknown;
}

export interface GraphReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** An injected lost answer: the operation ran, and the connection is reset instead of answering. */
  lost?: boolean;
}

export interface GraphContext {
  state: EmulatorState;
  /** Origin the client called, for `@odata.context` and `@odata.nextLink`. */
  origin: string;
  /** Base of inviteRedeemUrl (EmulatorOptions.redeemBaseUrl). */
  redeemBaseUrl: string;
  claims: AccessClaims;
}

export interface Route {
  /** What fault injection calls it (FaultOptions.operations). */
  name: OperationName;
  method: string;
  /** Literal segments, or `:name` for a parameter. */
  pattern: string[];
  permission: Permission;
  /** The 403 a token without the permission gets, when the service's own differs from Entra's (Exchange's). */
  denied?: () => GraphError;
  /** Counted against the per-tenant invitation limit. */
  throttled?: boolean;
  handle(op: GraphOperation, params: Record<string, string>, ctx: GraphContext): GraphReply | Promise<GraphReply>;
}
