import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidTransitionError } from '../../src/domain/errors.ts';
import {
  type AccessRequest,
  type EventType,
  type LifecycleEvent,
  STATUSES,
  type Status,
  transition,
} from '../../src/domain/lifecycle.ts';

// The machine, written out independently of src/domain/lifecycle.ts's table, as the
// architecture document draws it. Every pair not listed here must be refused.
const ALLOWED = `
  pending_verification verify pending_approval
  pending_approval approve approved
  pending_approval reject rejected
  approved start_provisioning provisioning
  provisioning invite invited
  provisioning ask_confirmation needs_confirmation
  needs_confirmation confirm_match approved
  needs_confirmation revoke revoked
  provisioning activate active
  invited activate active
  approved fail failed
  provisioning fail failed
  failed retry approved
  pending_verification expire expired
  pending_approval expire expired
  invited expire expired
  active expire expired
  approved revoke revoked
  invited revoke revoked
  active revoke revoked
  failed revoke revoked
  pending_verification withdraw withdrawn
  pending_approval withdraw withdrawn
`
  .trim()
  .split('\n')
  .map((line) => line.trim().split(/\s+/) as [Status, EventType, Status]);

const EVENTS: LifecycleEvent[] = [
  { type: 'verify' },
  { type: 'approve', comment: 'ok' },
  { type: 'reject', reason: 'not a partner' },
  { type: 'start_provisioning' },
  { type: 'ask_confirmation', reason: 'found only through otherMails' },
  { type: 'confirm_match' },
  { type: 'invite', directoryUserId: 'user-1', redeemUrl: 'https://redeem' },
  { type: 'activate', directoryUserId: 'user-1' },
  { type: 'fail', reason: 'Authorization_RequestDenied' },
  { type: 'retry' },
  { type: 'expire' },
  { type: 'revoke', reason: 'left the project' },
  { type: 'withdraw' },
];

const now = new Date('2026-01-02T03:04:05.000Z');
function request(status: Status): AccessRequest {
  const created = new Date('2026-01-01T00:00:00.000Z');
  return {
    id: 'r1',
    email: 'a@contoso.com',
    firstName: 'A',
    lastName: 'B',
    justification: null,
    appId: 'default',
    answers: {},
    accessExpiresAt: null,
    status,
    directoryUserId: null,
    redeemUrl: null,
    reason: null,
    createdAt: created,
    updatedAt: created,
  };
}

test('the status strings are exactly those of the architecture', () => {
  assert.deepEqual([...STATUSES].sort(), [
    'active',
    'approved',
    'expired',
    'failed',
    'invited',
    'needs_confirmation',
    'pending_approval',
    'pending_verification',
    'provisioning',
    'rejected',
    'revoked',
    'withdrawn',
  ]);
});

for (const from of STATUSES) {
  for (const event of EVENTS) {
    const allowed = ALLOWED.find(([f, e]) => f === from && e === event.type);
    test(`${from} --${event.type}--> ${allowed ? allowed[2] : 'refused'}`, () => {
      const before = request(from);
      if (allowed) {
        const next = transition(before, event, now);
        assert.equal(next.status, allowed[2]);
        assert.deepEqual(next.updatedAt, now);
        assert.equal(before.status, from, 'the input is not mutated');
      } else {
        assert.throws(
          () => transition(before, event, now),
          (error: unknown) =>
            error instanceof InvalidTransitionError &&
            error.status === 409 &&
            error.from === from &&
            error.event === event.type,
        );
      }
    });
  }
}

test('events carry their facts onto the request', () => {
  const rejected = transition(request('pending_approval'), { type: 'reject', reason: 'no' }, now);
  assert.equal(rejected.reason, 'no');
  const invited = transition(
    request('provisioning'),
    { type: 'invite', directoryUserId: 'u-9', redeemUrl: 'https://r/9' },
    now,
  );
  assert.equal(invited.directoryUserId, 'u-9');
  assert.equal(invited.redeemUrl, 'https://r/9');
  const failed = transition(request('provisioning'), { type: 'fail', reason: 'boom' }, now);
  assert.equal(transition(failed, { type: 'retry' }, now).reason, null, 'a retry clears the failure reason');
});
