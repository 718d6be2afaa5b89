// The console's app form ⇄ an app definition (domain/catalogue/ checks it). Questions and
// the approval policy are written in the configuration file's YAML (one place to learn the
// shape: guestlist.config.example.yaml); the rest are plain fields.
import { type Static, Type } from 'typebox';
import { parse, stringify } from 'yaml';
import { DEFAULT_POLICY } from '../../../../domain/approval-policy.ts';
import type { App } from '../../../../domain/apps.ts';
import type { FieldError } from '../../../../domain/errors.ts';

const text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
export const AppForm = Type.Object({
  _csrf: text(200),
  slug: text(200),
  name: text(400),
  description: text(2000),
  redirectUrl: text(2100),
  groupIds: text(4000),
  domains: text(20000),
  accessKind: text(20),
  accessDays: text(20),
  accessDate: text(20),
  appRoleServicePrincipalId: text(100),
  appRoleId: text(100),
  questions: text(50000),
  policy: text(50000),
  open: text(10),
});
export type AppFormBody = Static<typeof AppForm>;
export type AppFormValues = Required<Omit<AppFormBody, '_csrf'>>;

export const APP_LABELS: Record<keyof AppFormValues, string> = {
  slug: 'Address (slug)',
  name: 'Name',
  description: 'Description',
  redirectUrl: 'Redirect URL',
  groupIds: 'Group object ids',
  domains: 'Who may ask',
  accessKind: 'Access lasts',
  accessDays: 'Days',
  accessDate: 'Until',
  appRoleServicePrincipalId: 'App role: service principal id',
  appRoleId: 'App role: id',
  questions: 'Questions (YAML)',
  policy: 'Approval policy (YAML)',
  open: 'Open',
};

const lines = (value: string) =>
  value
    .split(/[\r\n,]+/)
    .map((line) => line.trim())
    .filter(Boolean);

export function formValues(body: AppFormBody): AppFormValues {
  const get = (key: keyof AppFormValues) => body[key] ?? '';
  return {
    slug: get('slug'),
    name: get('name'),
    description: get('description'),
    redirectUrl: get('redirectUrl'),
    groupIds: get('groupIds'),
    domains: get('domains'),
    accessKind: get('accessKind') || 'never',
    accessDays: get('accessDays'),
    accessDate: get('accessDate'),
    appRoleServicePrincipalId: get('appRoleServicePrincipalId'),
    appRoleId: get('appRoleId'),
    questions: get('questions'),
    policy: get('policy'),
    open: get('open'),
  };
}

export function valuesOf(app: App): AppFormValues {
  return {
    slug: app.slug,
    name: app.name,
    description: app.description,
    redirectUrl: app.redirectUrl,
    groupIds: app.groupIds.join('\n'),
    domains: app.requesters.kind === 'domains' ? app.requesters.domains.join('\n') : '',
    accessKind: app.access.kind,
    accessDays: app.access.kind === 'days' ? String(app.access.days) : '',
    accessDate: app.access.kind === 'until' ? app.access.date : '',
    appRoleServicePrincipalId: app.appRole?.servicePrincipalId ?? '',
    appRoleId: app.appRole?.appRoleId ?? '',
    questions: app.questions.length ? stringify(app.questions) : '',
    policy: stringify(app.policy),
    open: app.open ? 'yes' : '',
  };
}

export const EMPTY_VALUES: AppFormValues = {
  ...valuesOf({
    id: '',
    slug: '',
    name: '',
    description: '',
    redirectUrl: '',
    groupIds: [],
    appRole: null,
    questions: [],
    requesters: { kind: 'anyone' },
    policy: DEFAULT_POLICY,
    access: { kind: 'never' },
    teamsWebhookUrl: null,
    open: true,
    source: 'console',
    createdAt: new Date(0),
    updatedAt: new Date(0),
  }),
};

/** The definition the form describes (for checkAppDefinition), or the YAML fields it could not read. */
export function definitionInput(values: AppFormValues): { input: unknown; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const yaml = (field: 'questions' | 'policy') => {
    if (values[field].trim() === '') return undefined;
    try {
      return parse(values[field]) as unknown;
    } catch (error) {
      errors.push({
        field: `/${field}`,
        message: `${APP_LABELS[field]}: not valid YAML: ${(error as Error).message.split('\n')[0]}`,
      });
      return undefined;
    }
  };
  const days = Number(values.accessDays);
  const access =
    values.accessKind === 'days'
      ? { kind: 'days', days: values.accessDays.trim() === '' ? undefined : days }
      : values.accessKind === 'until'
        ? { kind: 'until', date: values.accessDate }
        : { kind: values.accessKind };
  const domains = lines(values.domains);
  const input = {
    slug: values.slug,
    name: values.name,
    description: values.description,
    redirectUrl: values.redirectUrl,
    groupIds: lines(values.groupIds),
    appRole:
      values.appRoleServicePrincipalId.trim() || values.appRoleId.trim()
        ? { servicePrincipalId: values.appRoleServicePrincipalId, appRoleId: values.appRoleId }
        : null,
    questions: yaml('questions') ?? [],
    requesters: domains.length ? { kind: 'domains', domains } : { kind: 'anyone' },
    policy: yaml('policy'),
    access,
    open: values.open === 'yes',
  };
  return { input, errors };
}

/** A field error's path (`/requesters/domains/0`) → the form field that holds it. */
export function formField(path: string): keyof AppFormValues {
  const first = path.split('/')[1] ?? '';
  const map: Record<string, keyof AppFormValues> = {
    requesters: 'domains',
    access: 'accessKind',
    appRole: 'appRoleServicePrincipalId',
  };
  return (map[first] ?? (first in APP_LABELS ? first : 'name')) as keyof AppFormValues;
}
