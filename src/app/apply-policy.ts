// A request was verified (its address proven, or vouched for by an admin): its app's
// approval policy decides what happens next. Approve → the `approve` transition with its
// provisioning job; reject → the `reject` transition with the rule's reason; ask → the
// approval stage begins (begin-approval.ts). Each automatic decision is written by the
// same conditional update as a person's (change-status.ts), by the actor `policy:<rule>`,
// so an approver deciding at the same instant and the policy produce one decision.
import { type ApprovalPolicy, DEFAULT_POLICY } from '../domain/approval-policy.ts';
import { DEFAULT_APP_ID } from '../domain/apps.ts';
import { InvalidTransitionError } from '../domain/errors.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import { explainPolicy } from '../domain/policy/index.ts';
import type { Directory, NewJob } from '../ports.ts';
import type { Catalogue } from './app-catalogue.ts';
import { beginApproval } from './begin-approval.ts';
import { type ChangeStatusDeps, changeStatus } from './change-status.ts';
import { gatherPolicyFacts } from './policy-facts.ts';

/**
 * The policy that decides a request: its app's (policyFromCatalogue), DEFAULT_POLICY when
 * no catalogue is wired. Given the request, or at submission the input (both name the app).
 */
export type PolicyResolver = (subject: { email: string; appId?: string | undefined }) => Promise<ApprovalPolicy>;

export const defaultPolicyResolver: PolicyResolver = async () => DEFAULT_POLICY;

/** The app's policy, from the catalogue; DEFAULT_POLICY for an app it does not know (never a crash at verification). */
export function policyFromCatalogue(catalogue: Pick<Catalogue, 'get'>): PolicyResolver {
  return async (subject) => (await catalogue.get(subject.appId ?? DEFAULT_APP_ID))?.policy ?? DEFAULT_POLICY;
}

/** What the policy needs beyond the store: which policy, and the tenant for existing guests. */
export interface PolicySources {
  /** Which policy decides; DEFAULT_POLICY when absent. */
  policyFor?: PolicyResolver | undefined;
  /** For the existing-guest fact; absent: only Guestlist's own requests are asked. */
  directory?: Pick<Directory, 'findUsersByEmail'> | null | undefined;
  /** The apps, for the console's dry run to offer (their policies come through policyFor). */
  apps?: Pick<Catalogue, 'listAll'> | undefined;
}

export interface PolicyDeps extends ChangeStatusDeps, PolicySources {}

/**
 * Committed with every move into `pending_approval` (verification, a vouched submission):
 * the inline applyPolicy after that commit is the fast path, this job the guarantee
 * (invariant 2) — a crash between the two leaves a request with no stage and no decision,
 * which the job then hands to the policy. Due at once: the two may run side by side, and
 * neither can decide twice (the decisions are conditional on no stage begun, beginning a
 * stage on none begun), so the guarantee costs at most one more evaluation.
 */
export function policyJob(requestId: string, now: Date): NewJob {
  return { kind: 'apply_policy', requestId, runAt: now };
}
const NO_STAGE = { stage: null, round: 0 };

/** The apply_policy job: the policy for a request still waiting with no stage begun; nothing otherwise. */
export async function applyPolicyIfPending(deps: PolicyDeps, requestId: string): Promise<void> {
  const request = await deps.store.getRequest(requestId);
  if (request?.status !== 'pending_approval') return;
  const state = await deps.store.getApprovalState(requestId);
  if (state && state.stage !== null) return;
  await applyPolicy(deps, request);
}

/** Evaluates and acts on the policy for a request in `pending_approval`; the request as it now stands. */
export async function applyPolicy(deps: PolicyDeps, request: AccessRequest): Promise<AccessRequest> {
  if (request.status !== 'pending_approval') return request;
  const policy = await (deps.policyFor ?? defaultPolicyResolver)(request);
  const { facts, note } = await gatherPolicyFacts(deps, {
    policy,
    email: request.email,
    justification: request.justification,
    appId: request.appId,
  });
  const { decision, shareReason } = explainPolicy(policy, facts, deps.clock.now());
  const actor = { kind: 'policy', rule: decision.rule } as const;
  try {
    switch (decision.outcome) {
      case 'approve':
        return await changeStatus(deps, {
          request,
          event: { type: 'approve', comment: decision.why },
          actor,
          note: decision.why,
          jobs: (next, now) => [{ kind: 'provision', requestId: next.id, runAt: now }],
          // Only while no stage has begun: the guarantee job and the inline call never both decide.
          expectedStage: NO_STAGE,
        });
      case 'reject':
        // The reason is always kept for admins; whether the requester reads it is the
        // rule's call (a blocked domain is not named to them: blocked-domain.ts).
        return await changeStatus(deps, {
          request,
          event: { type: 'reject', reason: decision.reason },
          actor,
          shareReason,
          expectedStage: NO_STAGE,
        });
      case 'ask': {
        const why = note ? `${decision.why} ${note}` : decision.why;
        await beginApproval(deps, { request, stage: decision.stage, rule: decision.rule, why });
        return request;
      }
    }
  } catch (error) {
    // An approver (or a withdrawal) moved the request first: their decision stands.
    if (!(error instanceof InvalidTransitionError)) throw error;
    return (await deps.store.getRequest(request.id)) ?? request;
  }
}
