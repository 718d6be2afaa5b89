// The catalogue: the apps outsiders may ask for, each with its own form questions,
// who may ask, how access is granted in Entra, how long it lasts and the policy that
// decides. Declared in the console or in guestlist.config.yaml (source says which).
// This file holds the shapes; validation lives beside the code that reads them.
import type { ApprovalPolicy } from './approval-policy.ts';

export type QuestionKind = 'short_text' | 'long_text' | 'single_choice';

/** One question on an app's request form; its answer is stored with the request. */
export interface AppQuestion {
  /** Stable key the answer is stored under (`[a-z][a-z0-9_]{0,39}`). */
  id: string;
  label: string;
  kind: QuestionKind;
  required: boolean;
  /** `single_choice` only: the choices, in order. */
  choices?: readonly string[];
  /** A hint shown under the label. */
  hint?: string;
}

/** The answers a request gave, by question id (only questions the app asks). */
export type Answers = Readonly<Record<string, string>>;

/** Who may ask: anyone, or addresses in the listed domains (exact or subdomain). */
export type RequesterScope = { kind: 'anyone' } | { kind: 'domains'; domains: readonly string[] };

/** How long access lasts once granted: for good, N days from activation, or until a date. */
export type AccessDuration = { kind: 'never' } | { kind: 'days'; days: number } | { kind: 'until'; date: string };

/** An app role on a service principal, assigned to the guest with the groups. */
export interface AppRoleGrant {
  servicePrincipalId: string;
  appRoleId: string;
}

export interface App {
  id: string;
  /** URL part: /request/{slug} (`[a-z0-9][a-z0-9-]{0,62}`). */
  slug: string;
  name: string;
  description: string;
  /** Where a redeemed invitation lands (https in Entra mode). */
  redirectUrl: string;
  /** Entra groups that grant the app. */
  groupIds: readonly string[];
  appRole: AppRoleGrant | null;
  questions: readonly AppQuestion[];
  requesters: RequesterScope;
  policy: ApprovalPolicy;
  access: AccessDuration;
  /** A Teams Workflows webhook each waiting request is posted to, or null. */
  teamsWebhookUrl: string | null;
  /** Closed apps are not listed and take no new requests; existing ones go on. */
  open: boolean;
  /** `file`: declared in guestlist.config.yaml (read-only in the console); `console`: made there. */
  source: 'file' | 'console';
  createdAt: Date;
  updatedAt: Date;
}

/** The app every request made before the catalogue existed belongs to (migrations/0013). */
export const DEFAULT_APP_ID = 'default';

/** What declares an app (the config file, the console's form): everything but its identity and times. */
export type AppDefinition = Omit<App, 'id' | 'source' | 'createdAt' | 'updatedAt'>;

/** The definition part of an app, for comparing two versions of it. */
export function definitionOf(app: App): AppDefinition {
  const { id: _id, source: _source, createdAt: _createdAt, updatedAt: _updatedAt, ...definition } = app;
  return definition;
}
