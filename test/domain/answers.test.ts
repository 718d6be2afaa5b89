// Answers to an app's questions, and who may ask: the rules of domain/answers.ts, through
// parseSubmission as the use case calls it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inRequesterScope, parseAnswers } from '../../src/domain/answers.ts';
import type { AppQuestion } from '../../src/domain/apps.ts';
import { ValidationError } from '../../src/domain/errors.ts';
import { parseSubmission } from '../../src/domain/justification.ts';

const QUESTIONS: AppQuestion[] = [
  { id: 'company', label: 'Your company', kind: 'short_text', required: true },
  { id: 'plans', label: 'Your plans', kind: 'long_text', required: false },
  { id: 'role', label: 'Your role', kind: 'single_choice', required: true, choices: ['Buyer', 'Seller'] },
];

test('answers are trimmed, blanks left out, line breaks kept only in long text', () => {
  assert.deepEqual(parseAnswers(QUESTIONS, { company: '  Fabrikam  ', plans: 'one\r\ntwo\tthree', role: 'Buyer' }), {
    answers: { company: 'Fabrikam', plans: 'one\ntwo\tthree', role: 'Buyer' },
    errors: [],
  });
  assert.deepEqual(parseAnswers(QUESTIONS, { company: 'F', plans: '   ', role: 'Seller' }).answers, {
    company: 'F',
    role: 'Seller',
  });
});

test('every bad answer is named at its field, with a message a person can act on', () => {
  const { errors } = parseAnswers(QUESTIONS, {
    company: 'Fab\nrikam',
    plans: `x\u202Eexe.pdf`,
    role: 'Admin',
    extra: 'sneaky',
  });
  assert.deepEqual(errors, [
    { field: '/answers/extra', message: 'This app asks no such question.' },
    {
      field: '/answers/company',
      message: 'The answer to "Your company" must not contain line breaks or control characters.',
    },
    {
      field: '/answers/plans',
      message:
        'The answer to "Your plans" must not contain characters that change the direction of text (U+202A–U+202E, U+2066–U+2069).',
    },
    { field: '/answers/role', message: 'The answer to "Your role" must be one of the choices offered.' },
  ]);
  assert.deepEqual(parseAnswers(QUESTIONS, {}).errors, [
    { field: '/answers/company', message: 'Answer "Your company".' },
    { field: '/answers/role', message: 'Select an answer to "Your role".' },
  ]);
  assert.deepEqual(
    parseAnswers(QUESTIONS, { company: 'x'.repeat(201), role: 'Buyer', plans: 'y'.repeat(2001) }).errors,
    [
      { field: '/answers/company', message: 'The answer to "Your company" must be at most 200 characters.' },
      { field: '/answers/plans', message: 'The answer to "Your plans" must be at most 2000 characters.' },
    ],
  );
  assert.deepEqual(parseAnswers(QUESTIONS, { company: 7 as unknown as string, role: 'Buyer' }).errors, [
    { field: '/answers/company', message: 'The answer to "Your company" must be text.' },
  ]);
});

test('a domains scope admits its domains and their subdomains only', () => {
  const scope = { kind: 'domains', domains: ['fabrikam.com'] } as const;
  assert.equal(inRequesterScope(scope, 'a@fabrikam.com'), true);
  assert.equal(inRequesterScope(scope, 'a@eu.fabrikam.com'), true);
  assert.equal(inRequesterScope(scope, 'a@notfabrikam.com'), false);
  assert.equal(inRequesterScope(scope, 'a@fabrikam.com.evil.example'), false);
  assert.equal(inRequesterScope({ kind: 'anyone' }, 'a@anything.example'), true);
});

test('a submission for an app: the scope at the email field, the answers with the other fields, all at once', () => {
  const app = {
    name: 'Partner wiki',
    questions: QUESTIONS,
    requesters: { kind: 'domains', domains: ['fabrikam.com', 'northwind.example'] } as const,
  };
  assert.throws(
    () => parseSubmission({ email: 'eve@contoso.net', firstName: '', lastName: 'L', answers: {} }, app),
    (error: unknown) =>
      error instanceof ValidationError &&
      JSON.stringify(error.fields?.map((f) => f.field)) ===
        JSON.stringify(['/firstName', '/answers/company', '/answers/role']),
  );
  assert.throws(
    () => parseSubmission({ email: 'eve@contoso.net', firstName: 'Eve', lastName: 'L' }, { ...app, questions: [] }),
    (error: unknown) =>
      error instanceof ValidationError &&
      error.fields?.[0]?.field === '/email' &&
      error.fields[0].message ===
        'Only addresses at fabrikam.com or northwind.example can ask for access to Partner wiki. Use your address at one of them.',
  );
  assert.deepEqual(
    parseSubmission(
      { email: 'Ada@Fabrikam.com', firstName: 'Ada', lastName: 'L', answers: { company: 'F', role: 'Buyer' } },
      app,
    ).answers,
    { company: 'F', role: 'Buyer' },
  );
});
