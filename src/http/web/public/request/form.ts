// The request form's fields: the API's SubmitBody for the fields both share (so the form
// and the API accept the same sizes), plus what only a page has, and the messages shown
// beside each field when the schema refuses it. The domain's rules (domain/person.ts,
// domain/justification.ts, domain/answers.ts) give the messages for everything else. Each
// of the app's questions is a field named `answer-<question id>`.
import { Type } from 'typebox';
import type { AppQuestion } from '../../../../domain/apps.ts';
import { JUSTIFICATION_MAX_LENGTH } from '../../../../domain/justification.ts';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH } from '../../../../domain/person.ts';
import { Justification, SubmitBody } from '../../../api/schemas.ts';
import { CsrfToken } from '../../forms.ts';

/** The honeypot's name: a field people never see, which form-filling bots fill in. */
export const HONEYPOT = 'website';

const { app: _app, answers: _answers, ...shared } = SubmitBody.properties;

export const RequestForm = Type.Object({
  ...shared,
  // Always sent by the form (empty when left blank), optional in the API.
  justification: Justification,
  [HONEYPOT]: Type.Optional(Type.String({ maxLength: 2000 })),
  _csrf: CsrfToken,
});

export interface RequestValues {
  email: string;
  firstName: string;
  lastName: string;
  justification: string;
  /** By question id. */
  answers: Record<string, string>;
}
export type FieldName = Exclude<keyof RequestValues, 'answers'>;

export const LABELS: Record<FieldName, string> = {
  email: 'Email address',
  firstName: 'First name',
  lastName: 'Last name',
  justification: 'Why do you need access?',
};

/** The form field of a question's answer. */
export function answerField(questionId: string): string {
  return `answer-${questionId}`;
}

/** What to say when the schema refuses a field: it is missing, repeated, or far too long. */
export const SCHEMA_MESSAGES: Record<FieldName, string> = {
  email: `Enter one email address of at most ${EMAIL_MAX_LENGTH} characters.`,
  firstName: `Enter your first name, at most ${NAME_MAX_LENGTH} characters.`,
  lastName: `Enter your last name, at most ${NAME_MAX_LENGTH} characters.`,
  justification: `Keep the reason to at most ${JUSTIFICATION_MAX_LENGTH} characters.`,
};

/** What was typed, to put back in the form: text only, whatever the body held. */
export function typedValues(body: unknown, questions: readonly AppQuestion[]): RequestValues {
  const fields = (body ?? {}) as Record<string, unknown>;
  const text = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : '');
  return {
    email: text('email'),
    firstName: text('firstName'),
    lastName: text('lastName'),
    justification: text('justification'),
    answers: Object.fromEntries(questions.map((question) => [question.id, text(answerField(question.id))])),
  };
}

/**
 * One message per form field, in the form's order (address, names, the app's questions,
 * the reason), from field errors named `/email`, `/answers/<id>` etc.
 */
export function fieldMessages(
  errors: readonly { field: string; message: string }[],
  schema: boolean,
  questions: readonly AppQuestion[],
): Record<string, string> {
  const out: Record<string, string> = {};
  const find = (path: string) => errors.find((e) => e.field === path || e.field.startsWith(`${path}/`));
  for (const name of ['email', 'firstName', 'lastName'] as const) {
    const error = find(`/${name}`);
    if (error) out[name] = schema ? SCHEMA_MESSAGES[name] : error.message;
  }
  for (const question of questions) {
    const error = find(`/answers/${question.id}`);
    if (error) out[answerField(question.id)] = error.message;
  }
  const reason = find('/justification');
  if (reason) out.justification = schema ? SCHEMA_MESSAGES.justification : reason.message;
  return out;
}
