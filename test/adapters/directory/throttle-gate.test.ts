// The invitation throttle gate on a hand-moved clock: it holds back exactly as long as
// Graph's Retry-After says, no shorter and no longer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { throttleGate } from '../../../src/adapters/directory/throttle-gate.ts';
import { DirectoryError } from '../../../src/domain/directory-error.ts';
import { fixedClock } from '../../helpers/clock.ts';

const graphError = (
  httpStatus: number,
  retryAfterMs: number | null,
  throttleScope: string | null = 'Tenant/ReadWrite/t1',
) =>
  new DirectoryError({
    message: 'refused',
    transient: true,
    graphCode: 'TooManyRequests',
    httpStatus,
    retryAfterMs,
    throttleScope,
  });

function setup() {
  const clock = fixedClock();
  const gate = throttleGate(() => clock.now().getTime());
  /** The time left the gate reports, or null when it lets the call through. */
  const held = (): number | null => {
    try {
      gate.check();
      return null;
    } catch (error) {
      assert.ok(error instanceof DirectoryError, String(error));
      assert.deepEqual([error.transient, error.httpStatus], [true, 429]);
      return error.retryAfterMs;
    }
  };
  return { clock, gate, held };
}

test('after a 429, invitations are held back for exactly its Retry-After', () => {
  const { clock, gate, held } = setup();
  assert.equal(held(), null, 'open before any throttling');
  gate.note(graphError(429, 30_000));
  assert.equal(held(), 30_000);
  clock.advance(10_000);
  assert.equal(held(), 20_000, 'the time left, not the whole pause again');
  clock.advance(19_999);
  assert.equal(held(), 1);
  assert.equal(gate.remainingMs(), 1, 'what provisioning asks before looking anyone up');
  clock.advance(1);
  assert.equal(held(), null, 'open again once Retry-After has passed');
  assert.equal(gate.remainingMs(), 0);
});

test('a shorter Retry-After never cuts a longer pause short; a longer one extends it', () => {
  const { clock, gate, held } = setup();
  gate.note(graphError(429, 60_000));
  clock.advance(1000);
  gate.note(graphError(429, 5000));
  assert.equal(held(), 59_000);
  gate.note(graphError(429, 120_000));
  assert.equal(held(), 120_000);
  clock.advance(120_000);
  assert.equal(held(), null);
});

test('only a 429 with a Retry-After closes the gate', () => {
  const { gate, held } = setup();
  gate.note(graphError(503, 30_000));
  gate.note(graphError(429, null));
  gate.note(new Error('socket hang up'));
  assert.equal(held(), null);
});

test('pacing: at most the documented 150 invitations in any 5 s, the next slot exactly when the oldest leaves', () => {
  const { clock, gate, held } = setup();
  for (let i = 0; i < 150; i++) {
    assert.equal(held(), null, `invitation ${i + 1} goes`);
    clock.advance(10);
  }
  // 1.5 s later the window still holds 150: wait until the first one has left (plus a margin).
  assert.equal(held(), 5000 + 250 - 1500);
  clock.advance(5000 + 250 - 1500);
  assert.equal(held(), null, 'the first slot is free again');
  assert.ok(held()! > 0, 'and only one');
  // A POST Graph refused took no place in its window: its slot is given back.
  gate.note(graphError(429, null));
  assert.equal(held(), null);
});

test('a 429 without x-ms-throttle-scope holds back only its own call, not every invitation', () => {
  const { gate, held } = setup();
  gate.note(graphError(429, 30_000, null));
  assert.equal(held(), null);
  gate.note(graphError(429, 30_000));
  assert.equal(held(), 30_000, 'a shared (tenant) limit holds them all');
});
