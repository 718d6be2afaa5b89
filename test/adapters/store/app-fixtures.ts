// An app definition for store and use-case tests; every call gives a new slug.
import { randomUUID } from 'node:crypto';
import { DEFAULT_POLICY } from '../../../src/domain/approval-policy.ts';
import type { App, AppDefinition } from '../../../src/domain/apps.ts';
import { T0 } from './fixtures.ts';

export function anAppDefinition(overrides: Partial<AppDefinition> = {}): AppDefinition {
  return {
    slug: `app-${randomUUID().slice(0, 8)}`,
    name: 'Supplier portal',
    description: 'Orders, invoices and delivery notes.',
    redirectUrl: 'https://portal.contoso.com/',
    groupIds: ['5b1f7e0c-3c1d-4f7a-9a53-3f0b1d2c4e5f'],
    appRole: null,
    questions: [
      { id: 'company', label: 'Your company', kind: 'short_text', required: true },
      { id: 'role', label: 'Your role', kind: 'single_choice', required: false, choices: ['Buyer', 'Seller'] },
    ],
    requesters: { kind: 'anyone' },
    policy: DEFAULT_POLICY,
    access: { kind: 'days', days: 90 },
    teamsWebhookUrl: null,
    open: true,
    ...overrides,
  };
}

export function anApp(overrides: Partial<App> = {}): App {
  return {
    ...anAppDefinition(),
    id: randomUUID(),
    source: 'console',
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}
