import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Actor, auditActor } from '../../src/domain/actor.ts';

// The audit trail's strings predate the type: history written before and after must read alike.
test('auditActor renders each actor as the audit trail has always named it', () => {
  const cases: [Actor, string][] = [
    [{ kind: 'token', name: 'alice-admin' }, 'token:alice-admin'],
    [{ kind: 'requester' }, 'requester'],
    [{ kind: 'worker' }, 'worker'],
    [{ kind: 'system' }, 'system'],
    [{ kind: 'cli', user: 'root' }, 'cli:root'],
    [{ kind: 'policy', rule: 'blocked_domain' }, 'policy:blocked_domain'],
  ];
  for (const [actor, expected] of cases) assert.equal(auditActor(actor), expected);
});
