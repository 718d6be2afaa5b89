// Small builders for store tests. Every call makes new ids, so tests never collide.
import { randomUUID } from 'node:crypto';
import type { AccessRequest, Status } from '../../../src/domain/lifecycle.ts';
import type { AuditEntry, NewJob } from '../../../src/ports.ts';

export const T0 = new Date('2026-03-01T09:00:00.000Z');

export function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}

export function aRequest(overrides: Partial<AccessRequest> = {}): AccessRequest {
  const createdAt = overrides.createdAt ?? T0;
  return {
    id: randomUUID(),
    email: `${randomUUID().slice(0, 8)}@example.org`,
    firstName: 'Ada',
    lastName: 'Lovelace',
    justification: null,
    appId: 'default',
    answers: {},
    accessExpiresAt: null,
    status: 'pending_approval',
    directoryUserId: null,
    redeemUrl: null,
    reason: null,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

export function anAudit(request: AccessRequest, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: randomUUID(),
    requestId: request.id,
    actor: 'requester',
    action: 'submit',
    fromStatus: null,
    toStatus: request.status,
    reason: null,
    at: request.updatedAt,
    ...overrides,
  };
}

export function aJob(request: AccessRequest, runAt: Date = T0, kind: NewJob['kind'] = 'provision'): NewJob {
  return { kind, requestId: request.id, runAt };
}

/** The arguments of a transition from the request's status to `status`. */
export function moveTo(request: AccessRequest, status: Status, when: Date, jobs: NewJob[] = []) {
  const next: AccessRequest = { ...request, status, updatedAt: when };
  return {
    next,
    expectedStatus: request.status,
    audit: anAudit(request, {
      actor: 'token:alice',
      action: 'approve',
      fromStatus: request.status,
      toStatus: status,
      at: when,
    }),
    jobs,
  };
}
