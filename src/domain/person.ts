// Rules for what a requester may type: email address and names. Pure; used by the
// HTTP edge (after schema validation) and by the use cases. Normalization, not
// rejection, for what is only a matter of form (spaces around, upper case, a
// Unicode domain, which becomes its ASCII "xn--" form the directory accepts).
import { type FieldError, ValidationError } from './errors.ts';

/** Graph rejects these in invitedUserEmailAddress (invitation-post.md). `'` is allowed. */
const FORBIDDEN_EMAIL_CHARACTERS = /[~!#$%^&*()+=[\]{}\\/|;:"<>?,\s]/u;
// C0/C1 control characters and Unicode line/paragraph separators.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
// Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): in a
// name they reorder the text around it, so "Eve\u202Eexe.pdf" shows as something else in
// the approvers' queue, the directory and the invitation email ("Trojan Source").
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/u;
const LOCAL_PART = /^[A-Za-z0-9._'`-]+$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export const NAME_MAX_LENGTH = 64; // Entra's givenName/surname limit
export const EMAIL_MAX_LENGTH = 254;

export interface Person {
  email: string;
  firstName: string;
  lastName: string;
}

/** Returns the normalized address, or a reason it cannot be used. */
export function normalizeEmail(input: string): { ok: true; email: string } | { ok: false; reason: string } {
  const raw = input.trim();
  if (raw === '') return { ok: false, reason: 'Enter an email address.' };
  if (CONTROL_CHARACTERS.test(raw)) return { ok: false, reason: 'The email address contains control characters.' };
  const at = raw.lastIndexOf('@');
  if (at <= 0 || at === raw.length - 1)
    return { ok: false, reason: 'The email address needs a name, an @ and a domain.' };
  const local = raw.slice(0, at);
  const domainInput = raw.slice(at + 1);
  if (local.includes('@')) return { ok: false, reason: 'The email address may contain only one @.' };
  if (FORBIDDEN_EMAIL_CHARACTERS.test(local) || FORBIDDEN_EMAIL_CHARACTERS.test(domainInput)) {
    return {
      ok: false,
      reason:
        'The email address contains a character Microsoft Entra does not allow (such as ! # $ % & * / : ; < > ? or a space).',
    };
  }
  if (
    !LOCAL_PART.test(local) ||
    local.length > 64 ||
    local.startsWith('.') ||
    local.endsWith('.') ||
    local.includes('..')
  ) {
    return { ok: false, reason: 'The part before the @ is not a valid mailbox name.' };
  }
  const domain = toAsciiDomain(domainInput);
  if (domain === null) return { ok: false, reason: 'The domain of the email address is not valid.' };
  const email = `${local}@${domain}`.toLowerCase();
  if (email.length > EMAIL_MAX_LENGTH)
    return { ok: false, reason: `The email address is longer than ${EMAIL_MAX_LENGTH} characters.` };
  return { ok: true, email };
}

function toAsciiDomain(domain: string): string | null {
  let ascii: string;
  try {
    // The WHATWG URL parser applies IDNA (UTS #46): "bücher.example" → "xn--bcher-kva.example".
    ascii = new URL(`http://${domain}/`).hostname;
  } catch {
    return null;
  }
  const labels = ascii.split('.');
  if (labels.length < 2 || ascii.length > 253) return null;
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return null;
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return null; // not an IP address
  return ascii;
}

export function normalizeName(input: string): { ok: true; name: string } | { ok: false; reason: string } {
  if (CONTROL_CHARACTERS.test(input))
    return { ok: false, reason: 'must not contain line breaks or control characters' };
  if (BIDI_CONTROLS.test(input))
    return {
      ok: false,
      reason: 'must not contain characters that change the direction of text (U+202A–U+202E, U+2066–U+2069)',
    };
  const name = input.trim().replace(/\s+/gu, ' ');
  if (name === '') return { ok: false, reason: 'must not be empty' };
  if ([...name].length > NAME_MAX_LENGTH) return { ok: false, reason: `must be at most ${NAME_MAX_LENGTH} characters` };
  return { ok: true, name };
}

/** Normalizes a submitted person or throws one ValidationError listing every bad field. */
export function parsePerson(input: { email: string; firstName: string; lastName: string }): Person {
  const fields: FieldError[] = [];
  const email = normalizeEmail(input.email);
  if (!email.ok) fields.push({ field: '/email', message: email.reason });
  const firstName = normalizeName(input.firstName);
  if (!firstName.ok) fields.push({ field: '/firstName', message: `First name ${firstName.reason}.` });
  const lastName = normalizeName(input.lastName);
  if (!lastName.ok) fields.push({ field: '/lastName', message: `Last name ${lastName.reason}.` });
  if (!email.ok || !firstName.ok || !lastName.ok) {
    throw new ValidationError('The request has invalid fields.', fields);
  }
  return { email: email.email, firstName: firstName.name, lastName: lastName.name };
}

/** The display name Graph gets for the invited guest: "First Last". */
export function displayName(person: { firstName: string; lastName: string }): string {
  return `${person.firstName} ${person.lastName}`;
}
