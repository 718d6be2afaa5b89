// The request form's fields: the API's SubmitBody for the fields both share (so the form
// and the API accept the same sizes), plus what only a page has, and the messages shown
// beside each field when the schema refuses it. The domain's rules (domain/person.ts,
// domain/justification.ts) give the messages for everything else.
import { Type } from 'typebox';
import { JUSTIFICATION_MAX_LENGTH } from '../../../../domain/justification.ts';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH } from '../../../../domain/person.ts';
import { Justification, SubmitBody } from '../../../api/schemas.ts';
import { CsrfToken } from '../../forms.ts';

/** The honeypot's name: a field people never see, which form-filling bots fill in. */
export const HONEYPOT = 'website';

export const RequestForm = Type.Object({
  ...SubmitBody.properties,
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
}
export type FieldName = keyof RequestValues;

export const LABELS: Record<FieldName, string> = {
  email: 'Email address',
  firstName: 'First name',
  lastName: 'Last name',
  justification: 'Why do you need access?',
};

/** What to say when the schema refuses a field: it is missing, repeated, or far too long. */
export const SCHEMA_MESSAGES: Record<FieldName, string> = {
  email: `Enter one email address of at most ${EMAIL_MAX_LENGTH} characters.`,
  firstName: `Enter your first name, at most ${NAME_MAX_LENGTH} characters.`,
  lastName: `Enter your last name, at most ${NAME_MAX_LENGTH} characters.`,
  justification: `Keep the reason to at most ${JUSTIFICATION_MAX_LENGTH} characters.`,
};

/** What was typed, to put back in the form: text only, whatever the body held. */
export function typedValues(body: unknown): RequestValues {
  const fields = (body ?? {}) as Record<string, unknown>;
  const text = (name: FieldName) => (typeof fields[name] === 'string' ? (fields[name] as string) : '');
  return {
    email: text('email'),
    firstName: text('firstName'),
    lastName: text('lastName'),
    justification: text('justification'),
  };
}

/** One message per field, in the form's order, from field errors named `/email` etc. */
export function fieldMessages(
  errors: readonly { field: string; message: string }[],
  schema: boolean,
): Partial<Record<FieldName, string>> {
  const out: Partial<Record<FieldName, string>> = {};
  for (const name of Object.keys(LABELS) as FieldName[]) {
    const error = errors.find((e) => e.field.replace(/^\//, '').split('/')[0] === name);
    if (error) out[name] = schema ? SCHEMA_MESSAGES[name] : error.message;
  }
  return out;
}
