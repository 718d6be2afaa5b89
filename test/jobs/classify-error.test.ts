import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DirectoryError } from '../../src/domain/directory-error.ts';
import { AppError, InvalidTransitionError, NotFoundError } from '../../src/domain/errors.ts';
import { retryDelayMs, THROTTLE_FALLBACK_MS } from '../../src/jobs/retry-delay.ts';
import { classifyJobError } from '../../src/jobs/worker.ts';

const directory = (fields: { transient: boolean; httpStatus: number; retryAfterMs?: number }) =>
  new DirectoryError({ message: 'Graph said no', graphCode: 'SomeCode', requestId: 'req-1', ...fields });

test('directory errors keep the adapter’s classification; 429 is not counted; transient ones never exhaust', () => {
  assert.deepEqual(classifyJobError(directory({ transient: true, httpStatus: 503, retryAfterMs: 4000 })), {
    permanent: false,
    countsAttempt: true,
    canExhaust: false,
    retryAfterMs: 4000,
    message: 'SomeCode: Graph said no · HTTP 503 · request-id req-1',
  });
  const throttled = classifyJobError(directory({ transient: true, httpStatus: 429 }));
  assert.deepEqual([throttled.permanent, throttled.countsAttempt, throttled.retryAfterMs], [false, false, null]);
  assert.equal(classifyJobError(directory({ transient: false, httpStatus: 400 })).permanent, true);
});

test('application errors below 500 are permanent; everything else is transient', () => {
  assert.equal(classifyJobError(new InvalidTransitionError('revoked', 'invite')).permanent, true);
  assert.equal(classifyJobError(new NotFoundError('The access request')).permanent, true);
  assert.equal(classifyJobError(new AppError('internal', 'oops')).permanent, false);
  const bug = classifyJobError(new TypeError('x is undefined'));
  assert.deepEqual(
    [bug.permanent, bug.countsAttempt, bug.canExhaust, bug.message],
    [false, true, true, 'TypeError: x is undefined'],
  );
  assert.equal(classifyJobError('a string').message, 'a string');
  assert.equal(classifyJobError(new Error('x'.repeat(5000))).message.length, 1000);
});

test('retry delays: Retry-After never shortened, fallback for a bare 429, full jitter otherwise', () => {
  const policy = (random: number) => ({ baseDelayMs: 1000, maxDelayMs: 300_000, random: () => random });
  assert.equal(retryDelayMs({ countsAttempt: true, retryAfterMs: 120_000 }, 0, policy(0)), 120_000);
  assert.equal(retryDelayMs({ countsAttempt: true, retryAfterMs: 120_000 }, 0, policy(0.999)), 120_999);
  assert.equal(retryDelayMs({ countsAttempt: false, retryAfterMs: 0 }, 0, policy(0.999)), 0);
  assert.equal(retryDelayMs({ countsAttempt: false, retryAfterMs: null }, 0, policy(0)), THROTTLE_FALLBACK_MS / 2);
  assert.equal(retryDelayMs({ countsAttempt: true, retryAfterMs: null }, 0, policy(0)), 0);
  assert.equal(retryDelayMs({ countsAttempt: true, retryAfterMs: null }, 3, policy(0.5)), 4000);
  assert.equal(retryDelayMs({ countsAttempt: true, retryAfterMs: null }, 100, policy(0.5)), 150_000);
});
