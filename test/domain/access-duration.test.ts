import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessEndReason, accessEndsAt } from '../../src/domain/access-duration.ts';

const at = new Date('2026-03-01T09:00:00.000Z');

test('access ends never, N days after activation, or at the end of the until date', () => {
  assert.equal(accessEndsAt({ kind: 'never' }, at), null);
  assert.deepEqual(accessEndsAt({ kind: 'days', days: 30 }, at), new Date('2026-03-31T09:00:00.000Z'));
  assert.deepEqual(accessEndsAt({ kind: 'until', date: '2026-06-30' }, at), new Date('2026-07-01T00:00:00.000Z'));
  assert.deepEqual(accessEndsAt({ kind: 'until', date: '2026-01-31' }, at), at, 'a date already past: at once');
  assert.equal(accessEndReason({ kind: 'days', days: 1 }), 'Access ended: the app grants it for 1 day.');
  assert.equal(
    accessEndReason({ kind: 'until', date: '2026-06-30' }),
    'Access ended: the app grants it until 2026-06-30.',
  );
});
