// Reads a declared app (the configuration file's `apps:` entries, the console's form) into
// an AppDefinition, recording every problem with the path of the value at fault. Optional
// fields fall back to what the default app has: no app role, no questions, anyone may ask,
// DEFAULT_POLICY, access for good, no Teams webhook, open. Pure.
import type { AccessDuration, AppDefinition, AppQuestion, AppRoleGrant, RequesterScope } from '../apps.ts';
import { readDomain, readPolicy } from './policy-definition.ts';
import { type Fields, GUID, type Path, Reader } from './reader.ts';

export const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const QUESTION_ID = /^[a-z][a-z0-9_]{0,39}$/;
export const MAX_QUESTIONS = 20;
export const MAX_CHOICES = 30;
/** The default app's slug (app/app-catalogue.ts) and /request/sent's: declared apps may not take them. */
const RESERVED_SLUGS = ['default', 'sent'];

const APP_FIELDS = [
  'slug',
  'name',
  'description',
  'redirectUrl',
  'groupIds',
  'appRole',
  'questions',
  'requesters',
  'policy',
  'access',
  'teamsWebhookUrl',
  'open',
] as const;
const QUESTION_FIELDS = ['id', 'label', 'kind', 'required', 'choices', 'hint'] as const;

export interface DefinitionOptions {
  /** Entra mode: the redirect URL must be https (a guest's browser lands there after redeeming). */
  httpsOnly: boolean;
}

export function readAppDefinition(
  read: Reader,
  value: unknown,
  path: Path,
  options: DefinitionOptions,
): AppDefinition | null {
  const fields = read.object(value, path, APP_FIELDS);
  if (!fields) return null;
  const slug = read.text(fields, 'slug', path, {
    max: 63,
    pattern: SLUG,
    patternMessage: 'must be lower-case letters, digits and hyphens (and start with a letter or digit)',
  });
  if (RESERVED_SLUGS.includes(slug)) read.fail([...path, 'slug'], `"${slug}" is reserved (/request/${slug} is taken)`);
  const groupIds = read.list(fields, 'groupIds', path, (item, at) => readGuid(read, item, at, 'a group object id'), {
    fallback: [],
    max: 50,
  });
  const seen = new Set<string>();
  groupIds.forEach((id, i) => {
    if (seen.has(id)) read.fail([...path, 'groupIds', i], 'is listed twice');
    seen.add(id);
  });
  return {
    slug,
    name: read.text(fields, 'name', path, { max: 100 }),
    description: read.text(fields, 'description', path, { fallback: '', max: 1000 }),
    redirectUrl: readUrl(read, fields, 'redirectUrl', path, options.httpsOnly, false) ?? '',
    groupIds,
    appRole: readAppRole(read, fields.appRole, [...path, 'appRole']),
    questions: readQuestions(read, fields, path),
    requesters: readRequesters(read, fields.requesters, [...path, 'requesters']),
    policy: readPolicy(read, fields.policy, [...path, 'policy']),
    access: readAccess(read, fields.access, [...path, 'access']),
    teamsWebhookUrl: readUrl(read, fields, 'teamsWebhookUrl', path, true, true),
    open: read.bool(fields, 'open', path, true),
  };
}

/** One app alone (the console's form): its definition, or the problems. */
export function checkAppDefinition(
  value: unknown,
  options: DefinitionOptions,
): { ok: true; definition: AppDefinition } | { ok: false; problems: Reader['problems'] } {
  const read = new Reader();
  const definition = readAppDefinition(read, value, [], options);
  return definition && read.problems.length === 0 ? { ok: true, definition } : { ok: false, problems: read.problems };
}

function readGuid(read: Reader, value: unknown, path: Path, what: string): string | null {
  if (typeof value !== 'string' || !GUID.test(value.trim())) {
    read.fail(path, `must be ${what} (a GUID)`);
    return null;
  }
  return value.trim().toLowerCase();
}

function readUrl(read: Reader, fields: Fields, key: string, path: Path, httpsOnly: boolean, nullable: boolean) {
  const value = fields[key];
  if ((value === undefined || value === null || value === '') && nullable) return null;
  const text = read.text(fields, key, path, { max: 2000 });
  if (text === '') return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    read.fail([...path, key], 'must be an absolute URL such as https://app.contoso.com/');
    return null;
  }
  if (url.protocol !== 'https:' && (httpsOnly || url.protocol !== 'http:')) {
    read.fail([...path, key], httpsOnly ? 'must be an https:// URL' : 'must be an http:// or https:// URL');
    return null;
  }
  return text;
}

function readAppRole(read: Reader, value: unknown, path: Path): AppRoleGrant | null {
  if (value === undefined || value === null) return null;
  const fields = read.object(value, path, ['servicePrincipalId', 'appRoleId']);
  if (!fields) return null;
  const servicePrincipalId = readGuid(
    read,
    fields.servicePrincipalId,
    [...path, 'servicePrincipalId'],
    "the service principal's object id",
  );
  const appRoleId = readGuid(read, fields.appRoleId, [...path, 'appRoleId'], "the app role's id");
  return servicePrincipalId && appRoleId ? { servicePrincipalId, appRoleId } : null;
}

function readQuestions(read: Reader, fields: Fields, path: Path): AppQuestion[] {
  const questions = read.list(fields, 'questions', path, (item, at) => readQuestion(read, item, at), {
    fallback: [],
    max: MAX_QUESTIONS,
  });
  const ids = new Set<string>();
  questions.forEach((question, i) => {
    if (ids.has(question.id))
      read.fail([...path, 'questions', i, 'id'], `"${question.id}" is used by another question`);
    ids.add(question.id);
  });
  return questions;
}

function readQuestion(read: Reader, value: unknown, path: Path): AppQuestion | null {
  const fields = read.object(value, path, QUESTION_FIELDS);
  if (!fields) return null;
  const kind = read.oneOf(fields, 'kind', path, ['short_text', 'long_text', 'single_choice']);
  const question: AppQuestion = {
    id: read.text(fields, 'id', path, {
      pattern: QUESTION_ID,
      patternMessage: 'must start with a lower-case letter, then lower-case letters, digits or _ (at most 40)',
    }),
    label: read.text(fields, 'label', path, { max: 200 }),
    kind,
    required: read.bool(fields, 'required', path, false),
  };
  const hint = read.text(fields, 'hint', path, { fallback: '', max: 300 });
  if (hint) question.hint = hint;
  if (kind === 'single_choice') {
    const choices = read.list(
      fields,
      'choices',
      path,
      (item, at) => {
        if (typeof item !== 'string' || item.trim() === '' || [...item.trim()].length > 100) {
          read.fail(at, 'must be text of 1 to 100 characters');
          return null;
        }
        return item.trim();
      },
      { max: MAX_CHOICES },
    );
    if (Array.isArray(fields.choices) && fields.choices.length < 2) {
      read.fail([...path, 'choices'], 'must offer at least two choices');
    }
    if (new Set(choices).size !== choices.length) read.fail([...path, 'choices'], 'must not repeat a choice');
    question.choices = choices;
  } else if (fields.choices !== undefined) {
    read.fail([...path, 'choices'], 'is only for single_choice questions');
  }
  return question;
}

function readRequesters(read: Reader, value: unknown, path: Path): RequesterScope {
  if (value === undefined || value === null) return { kind: 'anyone' };
  const fields = read.object(value, path, ['kind', 'domains']);
  if (!fields) return { kind: 'anyone' };
  const kind = read.oneOf(fields, 'kind', path, ['anyone', 'domains']);
  if (kind === 'anyone') {
    if (fields.domains !== undefined) read.fail([...path, 'domains'], 'is only for kind: domains');
    return { kind };
  }
  const domains = read.list(fields, 'domains', path, (item, at) => readDomain(read, item, at), { max: 500 });
  if (Array.isArray(fields.domains) && fields.domains.length === 0) {
    read.fail([...path, 'domains'], 'must list at least one domain');
  }
  return { kind, domains };
}

function readAccess(read: Reader, value: unknown, path: Path): AccessDuration {
  if (value === undefined || value === null) return { kind: 'never' };
  const fields = read.object(value, path, ['kind', 'days', 'date']);
  if (!fields) return { kind: 'never' };
  const kind = read.oneOf(fields, 'kind', path, ['never', 'days', 'until']);
  if (kind === 'days') return { kind, days: read.wholeNumber(fields, 'days', path, 1, 3650) };
  if (kind === 'until') {
    const date = read.text(fields, 'date', path, {
      pattern: /^\d{4}-\d{2}-\d{2}$/,
      patternMessage: 'must be a date written YYYY-MM-DD',
    });
    if (/^\d{4}-\d{2}-\d{2}$/.test(date) && !isCalendarDate(date)) read.fail([...path, 'date'], 'is not a real date');
    return { kind, date };
  }
  return { kind };
}

function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
