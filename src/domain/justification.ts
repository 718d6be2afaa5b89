// "Why do you need access?": optional free text the requester writes for the approvers.
// Line breaks and tabs are kept; other control characters and the bidirectional overrides
// that reorder what an approver reads (as in names, domain/person.ts) are refused.
import { inRequesterScope, parseAnswers, scopeMessage } from './answers.ts';
import type { Answers, App } from './apps.ts';
import { type FieldError, ValidationError } from './errors.ts';
import { type Person, parsePerson } from './person.ts';

export const JUSTIFICATION_MAX_LENGTH = 1000;

const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/u;
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/u;

/** The trimmed text with `\n` line endings, null when blank, or a reason it cannot be kept. */
export function normalizeJustification(
  input: string | null | undefined,
): { ok: true; justification: string | null } | { ok: false; reason: string } {
  const text = (input ?? '').replace(/\r\n?/g, '\n').trim();
  if (text === '') return { ok: true, justification: null };
  if (CONTROL_CHARACTERS.test(text)) return { ok: false, reason: 'must not contain control characters' };
  if (BIDI_CONTROLS.test(text)) {
    return {
      ok: false,
      reason: 'must not contain characters that change the direction of text (U+202A–U+202E, U+2066–U+2069)',
    };
  }
  if ([...text].length > JUSTIFICATION_MAX_LENGTH) {
    return { ok: false, reason: `must be at most ${JUSTIFICATION_MAX_LENGTH} characters` };
  }
  return { ok: true, justification: text };
}

export interface Submission {
  person: Person;
  justification: string | null;
  /** The answers to the app's questions (none when no app is given). */
  answers: Answers;
}

/** A submitted person and their reason, normalized; or one ValidationError listing every bad field. */
export function parseSubmission(
  input: {
    email: string;
    firstName: string;
    lastName: string;
    justification?: string | null | undefined;
    answers?: Readonly<Record<string, unknown>> | undefined;
  },
  /** The app asked for: its questions are answered, and its requesters checked at the email field. */
  app?: Pick<App, 'name' | 'questions' | 'requesters'>,
): Submission {
  const fields: FieldError[] = [];
  let person: Person | null = null;
  try {
    person = parsePerson(input);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    fields.push(...(error.fields ?? []));
  }
  if (person && app && !inRequesterScope(app.requesters, person.email)) {
    fields.push({ field: '/email', message: scopeMessage(app.requesters, app.name) });
  }
  const justification = normalizeJustification(input.justification);
  if (!justification.ok) fields.push({ field: '/justification', message: `The reason ${justification.reason}.` });
  const answers = parseAnswers(app?.questions ?? [], input.answers);
  fields.push(...answers.errors);
  if (!person || !justification.ok || fields.length > 0)
    throw new ValidationError('The request has invalid fields.', fields);
  return { person, justification: justification.justification, answers: answers.answers };
}
