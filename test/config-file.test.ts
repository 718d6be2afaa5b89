// The configuration file: found, parsed, checked whole, and every problem reported with
// its line (config-file.ts).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';
import { parseConfigFile } from '../src/config-file.ts';
import { DEFAULT_POLICY } from '../src/domain/approval-policy.ts';
import { createLogger } from '../src/logger.ts';

const ENTRA_ENV = {
  AZURE_TENANT_ID: '11111111-2222-3333-4444-555555555555',
  AZURE_CLIENT_ID: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  AZURE_CLIENT_SECRET: 'secret',
  GUESTLIST_APP_URL: 'https://app.contoso.com/',
  GUESTLIST_PUBLIC_URL: 'https://access.contoso.com',
  SMTP_URL: 'smtps://u:p@smtp.contoso.com',
  GUESTLIST_MAIL_FROM: 'access@contoso.com',
};
const GROUP = '5b1f7e0c-3c1d-4f7a-9a53-3f0b1d2c4e5f';

async function inFolder(t: { after(fn: () => Promise<void>): void }, files: Record<string, string>) {
  const dir = await mkdtemp(path.join(tmpdir(), 'guestlist-config-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

const problemsOf = (text: string, httpsOnly = true, name = 'guestlist.config.yaml') =>
  parseConfigFile(text, name, { httpsOnly }).problems.map((p) => `${p.where}: ${p.problem}`);

test('without a file, no app is declared', async (t) => {
  const dir = await inFolder(t, {});
  const config = loadConfig({}, '', dir);
  assert.deepEqual(config.catalogue, { file: null, apps: [] });
});

test('the example file is valid in Entra mode, and reads as the App shape with defaults filled in', async (t) => {
  const text = await readFile(new URL('../guestlist.config.example.yaml', import.meta.url), 'utf8');
  const dir = await inFolder(t, { 'guestlist.config.yaml': text });
  const config = loadConfig(ENTRA_ENV, '', dir);
  assert.equal(config.catalogue.file, path.join(dir, 'guestlist.config.yaml'));
  const [portal, wiki] = config.catalogue.apps;
  assert.equal(portal?.slug, 'supplier-portal');
  assert.deepEqual(
    portal?.questions.map((q) => [q.id, q.kind, q.required]),
    [
      ['company', 'short_text', true],
      ['purchase_order', 'short_text', false],
      ['role', 'single_choice', true],
    ],
  );
  assert.deepEqual(portal?.questions[2]?.choices, ['Send invoices', 'Track orders', 'Both']);
  assert.deepEqual(portal?.access, { kind: 'days', days: 365 });
  assert.equal(portal?.policy.stages.length, 1);
  assert.deepEqual(portal?.policy.stages[0]?.approvers, [{ kind: 'person', email: 'supplier.manager@contoso.com' }]);
  assert.deepEqual(wiki?.requesters, { kind: 'domains', domains: ['fabrikam.com', 'northwind.example'] });
  assert.deepEqual(wiki?.access, { kind: 'until', date: '2027-06-30' });
  assert.deepEqual(wiki?.policy, DEFAULT_POLICY, 'no policy: the default one');
  assert.deepEqual([wiki?.appRole, wiki?.teamsWebhookUrl, wiki?.open, wiki?.questions], [null, null, true, []]);
});

test('a bad file stops start-up with every problem at its line', async (t) => {
  const text = [
    'apps:', // 1
    '  - slug: good', // 2
    '    name: Good', // 3
    '    redirectUrl: https://good.contoso.com/', // 4
    '  - slug: Bad_Slug', // 5
    '    name: Bad', // 6
    '    redirectUrl: https://bad.contoso.com/', // 7
  ].join('\n');
  const dir = await inFolder(t, { 'guestlist.config.yaml': text });
  assert.throws(
    () => loadConfig(ENTRA_ENV, '', dir),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message.includes('guestlist.config.yaml:5: apps[1].slug: must be lower-case letters, digits and hyphens'),
  );
});

test('each rule names the value at fault and its line', () => {
  const app = (lines: string[]) =>
    ['apps:', '  - slug: one', '    name: One', '    redirectUrl: https://one.contoso.com/', ...lines].join('\n');
  assert.deepEqual(problemsOf(app(['    redirectUrl2: x'])), [
    'guestlist.config.yaml:5: apps[0].redirectUrl2: is not a known field (known: slug, name, description, redirectUrl, groupIds, appRole, questions, requesters, policy, access, teamsWebhookUrl, open)',
  ]);
  assert.deepEqual(
    problemsOf(['apps:', '  - slug: one', '    name: One', '    redirectUrl: http://one.contoso.com/'].join('\n')),
    ['guestlist.config.yaml:4: apps[0].redirectUrl: must be an https:// URL'],
  );
  assert.deepEqual(
    problemsOf(
      ['apps:', '  - slug: one', '    name: One', '    redirectUrl: http://localhost:3000/'].join('\n'),
      false,
    ),
    [],
    'http is fine in the sandbox',
  );
  assert.deepEqual(problemsOf(app(['    groupIds: [not-a-guid]'])), [
    'guestlist.config.yaml:5: apps[0].groupIds[0]: must be a group object id (a GUID)',
  ]);
  assert.deepEqual(problemsOf(app([`    groupIds: [${GROUP}, ${GROUP.toUpperCase()}]`])), [
    'guestlist.config.yaml:5: apps[0].groupIds[1]: is listed twice',
  ]);
  assert.deepEqual(
    problemsOf(
      app([
        '    questions:',
        '      - { id: company, label: Company, kind: short_text }',
        '      - { id: company, label: Again, kind: long_text }',
        '      - id: pick',
        '        label: Pick',
        '        kind: single_choice',
        '      - { id: 9x, label: Bad id, kind: short_text, choices: [a, b] }',
        '      - { id: kind, label: Odd, kind: checkbox }',
      ]),
    ),
    [
      'guestlist.config.yaml:8: apps[0].questions[2].choices: is required',
      'guestlist.config.yaml:11: apps[0].questions[3].id: must start with a lower-case letter, then lower-case letters, digits or _ (at most 40)',
      'guestlist.config.yaml:11: apps[0].questions[3].choices: is only for single_choice questions',
      'guestlist.config.yaml:12: apps[0].questions[4].kind: must be one of short_text, long_text, single_choice',
      'guestlist.config.yaml:7: apps[0].questions[1].id: "company" is used by another question',
    ],
  );
  assert.deepEqual(
    problemsOf(
      app([
        '    access: { kind: days, days: 0 }',
        '    requesters: { kind: domains, domains: [] }',
        '    teamsWebhookUrl: http://teams.example/hook',
      ]),
    ),
    [
      'guestlist.config.yaml:6: apps[0].requesters.domains: must list at least one domain',
      'guestlist.config.yaml:5: apps[0].access.days: must be a whole number from 1 to 3650',
      'guestlist.config.yaml:7: apps[0].teamsWebhookUrl: must be an https:// URL',
    ],
  );
  assert.deepEqual(problemsOf(app(['    access: { kind: until, date: 2027-02-30 }'])), [
    'guestlist.config.yaml:5: apps[0].access.date: is not a real date',
  ]);
  const stage = '      - { name: S, approvers: [{ kind: role, role: admin }] }';
  assert.deepEqual(problemsOf(app(['    policy:', '      stages:', stage, stage, stage, stage])), [
    'guestlist.config.yaml:7: apps[0].policy.stages: must have at most 3 entries',
  ]);
  assert.deepEqual(
    problemsOf(
      app([
        '    policy:',
        '      blockedDomains: [not a domain]',
        '      stages:',
        '        - name: Managers',
        '          approvers: [{ kind: person, email: "someone at contoso" }]',
        '          timeoutDays: 3',
        '          reminderDays: 3',
        '          onTimeout: escalate',
      ]),
    ),
    [
      'guestlist.config.yaml:6: apps[0].policy.blockedDomains[0]: must be a domain name such as contoso.com',
      'guestlist.config.yaml:9: apps[0].policy.stages[0].approvers[0].email: is not a valid email address: The email address needs a name, an @ and a domain.',
      'guestlist.config.yaml:8: apps[0].policy.stages[0].alternates: must name who takes over when the stage escalates',
      'guestlist.config.yaml:11: apps[0].policy.stages[0].reminderDays: must be fewer days than timeoutDays (the reminder comes before the timeout)',
    ],
  );
});

test('slugs are unique, the default app keeps its own, and required fields are named', () => {
  assert.deepEqual(
    problemsOf(
      [
        'apps:',
        '  - { slug: wiki, name: Wiki, redirectUrl: "https://w.contoso.com/" }',
        '  - { slug: wiki, name: Wiki 2, redirectUrl: "https://w.contoso.com/" }',
        '  - { slug: default, name: D, redirectUrl: "https://d.contoso.com/" }',
        '  - { slug: nameless }',
      ].join('\n'),
    ),
    [
      'guestlist.config.yaml:4: apps[2].slug: "default" is reserved (/request/default is taken)',
      'guestlist.config.yaml:5: apps[3].name: is required',
      'guestlist.config.yaml:5: apps[3].redirectUrl: is required',
      'guestlist.config.yaml:3: apps[1].slug: "wiki" is already the slug of apps[0]',
    ],
  );
});

test('YAML mistakes and a missing named file are reported too; JSON works the same way', async (t) => {
  assert.deepEqual(problemsOf('apps:\n  - slug: a\n    slug: b\n'), [
    'guestlist.config.yaml:3: not valid YAML: Map keys must be unique',
  ]);
  assert.deepEqual(problemsOf('apps: 3'), ['guestlist.config.yaml:1: apps: must be a list']);
  const dir = await inFolder(t, {
    'guestlist.config.json': JSON.stringify(
      { apps: [{ slug: 'wiki', name: 'Wiki', redirectUrl: 'https://wiki.contoso.com/', open: 'yes' }] },
      null,
      2,
    ),
  });
  assert.throws(
    () => loadConfig({}, '', dir),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message.includes('guestlist.config.json:7: apps[0].open: must be true or false'),
  );
  assert.throws(
    () => loadConfig({ GUESTLIST_CONFIG_FILE: 'elsewhere/apps.yaml' }, '', dir),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message.includes('GUESTLIST_CONFIG_FILE: cannot read elsewhere/apps.yaml: no such file'),
  );
});

test("an app's Teams webhook URL (it carries a signature) is redacted when the configuration is logged", async (t) => {
  const dir = await inFolder(t, {
    'apps.yaml': [
      'apps:',
      '  - slug: wiki',
      '    name: Wiki',
      '    redirectUrl: https://wiki.contoso.com/',
      '    teamsWebhookUrl: https://prod.example.logic.azure.com/workflows/1?sig=SECRET-signature',
    ].join('\n'),
  });
  const config = loadConfig({ GUESTLIST_CONFIG_FILE: 'apps.yaml' }, '', dir);
  assert.match(config.catalogue.apps[0]?.teamsWebhookUrl ?? '', /SECRET-signature/);
  let text = '';
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk, _encoding, done) {
        text += chunk;
        done();
      },
    }),
  );
  logger.info({ config }, 'configuration');
  assert.match(text, /wiki\.contoso\.com/);
  assert.doesNotMatch(text, /SECRET-/);
});
