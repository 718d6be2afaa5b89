import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../../src/domain/errors.ts';
import { normalizeJustification, parseSubmission } from '../../src/domain/justification.ts';

test('a reason is trimmed, keeps its line breaks (as \\n), and blank is none', () => {
  assert.deepEqual(normalizeJustification('  Audit of\r\nQ3 suppliers\t '), {
    ok: true,
    justification: 'Audit of\nQ3 suppliers',
  });
  for (const blank of [undefined, null, '', '  \n ']) {
    assert.deepEqual(normalizeJustification(blank), { ok: true, justification: null }, String(blank));
  }
  assert.deepEqual(normalizeJustification('é'.repeat(1000)), { ok: true, justification: 'é'.repeat(1000) });
});

test('a reason refuses control characters, direction overrides, and more than 1000 characters', () => {
  for (const bad of ['a\u0000b', 'bell\u0007', 'x\u202Eexe.pdf', 'x\u2066y', 'a'.repeat(1001)]) {
    assert.equal(normalizeJustification(bad).ok, false, JSON.stringify(bad.slice(0, 20)));
  }
});

test('a submission lists every bad field at once, the reason included', () => {
  assert.throws(
    () => parseSubmission({ email: 'nope', firstName: 'Ada', lastName: '', justification: 'x\u202Ey' }),
    (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.deepEqual(
        error.fields?.map((f) => f.field),
        ['/email', '/lastName', '/justification'],
      );
      assert.match(error.fields![2]!.message, /^The reason must not contain characters that change the direction/);
      return true;
    },
  );
  assert.deepEqual(parseSubmission({ email: 'A@B.example', firstName: ' Ada ', lastName: 'L', justification: ' ' }), {
    person: { email: 'a@b.example', firstName: 'Ada', lastName: 'L' },
    justification: null,
    answers: {},
  });
});
