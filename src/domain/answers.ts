// The answers to an app's questions (domain/apps.ts), checked as strictly as names and the
// justification: the person's own words, shown to approvers and kept with the request.
// Short text is one line (no control characters), long text may hold line breaks and tabs;
// neither may hold the bidirectional controls that reorder what an approver reads. A blank
// answer is no answer. Only the app's questions are answered. Pure.
import type { Answers, AppQuestion, RequesterScope } from './apps.ts';
import type { FieldError } from './errors.ts';

export const SHORT_ANSWER_MAX_LENGTH = 200;
export const LONG_ANSWER_MAX_LENGTH = 2000;

const LINE_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const TEXT_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/u;
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/u;

export function answerMaxLength(question: AppQuestion): number {
  return question.kind === 'long_text' ? LONG_ANSWER_MAX_LENGTH : SHORT_ANSWER_MAX_LENGTH;
}

/** The answers kept (by question id, blanks left out), and a field error (`/answers/<id>`) for each bad one. */
export function parseAnswers(
  questions: readonly AppQuestion[],
  raw: Readonly<Record<string, unknown>> | undefined,
): { answers: Answers; errors: FieldError[] } {
  const given = raw ?? {};
  const answers: Record<string, string> = {};
  const errors: FieldError[] = [];
  const fail = (id: string, message: string) => errors.push({ field: `/answers/${id}`, message });
  for (const id of Object.keys(given)) {
    if (!questions.some((question) => question.id === id)) fail(id, 'This app asks no such question.');
  }
  for (const question of questions) {
    const value = given[question.id];
    if (value !== undefined && typeof value !== 'string') {
      fail(question.id, `The answer to "${question.label}" must be text.`);
      continue;
    }
    const text = (value ?? '').replace(/\r\n?/g, '\n').trim();
    if (text === '') {
      if (question.required) {
        fail(
          question.id,
          question.kind === 'single_choice'
            ? `Select an answer to "${question.label}".`
            : `Answer "${question.label}".`,
        );
      }
      continue;
    }
    const problem = answerProblem(question, text);
    if (problem) fail(question.id, `The answer to "${question.label}" ${problem}.`);
    else answers[question.id] = text;
  }
  return { answers, errors };
}

function answerProblem(question: AppQuestion, text: string): string | null {
  if (question.kind === 'single_choice') {
    return question.choices?.includes(text) ? null : 'must be one of the choices offered';
  }
  const controls = question.kind === 'long_text' ? TEXT_CONTROLS : LINE_CONTROLS;
  if (controls.test(text)) {
    return question.kind === 'long_text'
      ? 'must not contain control characters'
      : 'must not contain line breaks or control characters';
  }
  if (BIDI_CONTROLS.test(text)) {
    return 'must not contain characters that change the direction of text (U+202A–U+202E, U+2066–U+2069)';
  }
  const max = answerMaxLength(question);
  return [...text].length > max ? `must be at most ${max} characters` : null;
}

/** Whether `email` (normalized) may ask: anyone, or an address at a listed domain or a subdomain of one. */
export function inRequesterScope(scope: RequesterScope, email: string): boolean {
  if (scope.kind === 'anyone') return true;
  const domain = email.slice(email.lastIndexOf('@') + 1);
  return scope.domains.some((allowed) => domain === allowed || domain.endsWith(`.${allowed}`));
}

/** What to tell someone outside the app's requesters, at the email field. */
export function scopeMessage(scope: RequesterScope, appName: string): string {
  const domains = scope.kind === 'domains' ? scope.domains : [];
  const list =
    domains.length <= 1 ? (domains[0] ?? '') : `${domains.slice(0, -1).join(', ')} or ${domains[domains.length - 1]}`;
  return `Only addresses at ${list} can ask for access to ${appName}. Use your address at one of them.`;
}
