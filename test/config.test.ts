import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const entraEnv = {
  AZURE_TENANT_ID: TENANT,
  AZURE_CLIENT_ID: CLIENT,
  AZURE_CLIENT_SECRET: 's3cret~value',
  GUESTLIST_APP_URL: 'https://app.contoso.com/',
  SMTP_URL: 'smtps://guestlist:pw@smtp.contoso.com',
  GUESTLIST_PUBLIC_URL: 'https://access.contoso.com',
  GUESTLIST_MAIL_FROM: 'Contoso access <access@contoso.com>',
};

function problemsOf(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return Object.fromEntries(error.problems.map((p) => [p.setting, p.problem]));
  }
  assert.fail('expected a ConfigError');
}

test('nothing set: sandbox mode on 127.0.0.1:3000 with ./data/guestlist.db', () => {
  const config = loadConfig({}, '', '/srv/gl');
  assert.equal(config.mode, 'sandbox');
  assert.equal(config.entra, null);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.port, 3000);
  assert.equal(config.publicUrl, 'http://127.0.0.1:3000');
  assert.equal(config.databaseUrl, `sqlite:${path.resolve('/srv/gl/data/guestlist.db')}`);
  assert.equal(config.invitation.email, 'guestlist');
  assert.equal(
    config.worker.leaseMs,
    15_000,
    'a repeated invitation mails nobody: a crashed job is picked up in seconds',
  );
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.invitation));
});

test('Azure credentials switch to Entra mode with the Azure SDK defaults', () => {
  const config = loadConfig(entraEnv);
  assert.equal(config.mode, 'entra');
  assert.deepEqual(config.entra, {
    tenantId: TENANT,
    clientId: CLIENT,
    signInClientId: CLIENT,
    credential: { kind: 'secret', secret: 's3cret~value' },
    authorityHost: 'https://login.microsoftonline.com',
    graphUrl: 'https://graph.microsoft.com',
  });
  const gov = loadConfig({
    ...entraEnv,
    AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/',
    GUESTLIST_GRAPH_URL: 'https://graph.microsoft.us',
  });
  assert.equal(gov.entra?.authorityHost, 'https://login.microsoftonline.us');
  assert.equal(gov.entra?.graphUrl, 'https://graph.microsoft.us');
});

test('a certificate instead of a secret', () => {
  const { AZURE_CLIENT_SECRET: _, ...rest } = entraEnv;
  const config = loadConfig({ ...rest, AZURE_CLIENT_CERTIFICATE_PATH: '/etc/gl/cert.pem' });
  assert.deepEqual(config.entra?.credential, { kind: 'certificate', path: '/etc/gl/cert.pem', password: undefined });
});

test('secretless: workload identity federation from the token file, or a managed identity', () => {
  const { AZURE_CLIENT_SECRET: _, ...rest } = entraEnv;
  const federated = loadConfig({
    ...rest,
    AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token',
  });
  assert.deepEqual(federated.entra?.credential, {
    kind: 'workload-identity',
    tokenFile: '/var/run/secrets/azure/tokens/azure-identity-token',
  });
  assert.equal(federated.entra?.signInClientId, CLIENT, 'the same app registration signs staff in');

  const SIGN_IN = '99999999-8888-7777-6666-555555555555';
  const { AZURE_CLIENT_ID: __, ...noClient } = rest;
  const system = loadConfig({ ...noClient, GUESTLIST_MANAGED_IDENTITY: 'true', GUESTLIST_SIGN_IN_CLIENT_ID: SIGN_IN });
  assert.deepEqual(system.entra?.credential, { kind: 'managed-identity', clientId: null });
  assert.equal(system.entra?.clientId, null);
  assert.equal(system.entra?.signInClientId, SIGN_IN);
  const user = loadConfig({ ...rest, GUESTLIST_MANAGED_IDENTITY: 'true', GUESTLIST_SIGN_IN_CLIENT_ID: SIGN_IN });
  assert.deepEqual(user.entra?.credential, { kind: 'managed-identity', clientId: CLIENT });

  // A managed identity cannot sign people in: the app registration for that must be named.
  assert.match(
    problemsOf(() => loadConfig({ ...noClient, GUESTLIST_MANAGED_IDENTITY: 'true' })).GUESTLIST_SIGN_IN_CLIENT_ID!,
    /required with a managed identity/,
  );
  assert.match(
    problemsOf(() => loadConfig({ ...rest, GUESTLIST_MANAGED_IDENTITY: 'yes', GUESTLIST_SIGN_IN_CLIENT_ID: SIGN_IN }))
      .GUESTLIST_MANAGED_IDENTITY!,
    /true or false/,
  );
  assert.match(
    problemsOf(() => loadConfig({ ...entraEnv, AZURE_FEDERATED_TOKEN_FILE: '/t' })).AZURE_FEDERATED_TOKEN_FILE!,
    /together with AZURE_CLIENT_SECRET: set only one/,
  );
  assert.match(
    problemsOf(() => loadConfig({ ...noClient, AZURE_FEDERATED_TOKEN_FILE: '/t' })).AZURE_CLIENT_ID!,
    /required/,
  );
});

test('the .env file is read and the environment wins over it', () => {
  const config = loadConfig({ PORT: '4000' }, `PORT=5000\nHOST=0.0.0.0\n# comment\nGUESTLIST_GROUP_IDS=${TENANT}`);
  assert.equal(config.port, 4000);
  assert.equal(config.host, '0.0.0.0');
  assert.equal(config.publicUrl, 'http://localhost:4000');
  assert.deepEqual(config.invitation.groupIds, [TENANT]);
});

test('DATABASE_URL picks the store', () => {
  assert.equal(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x.db' }).databaseUrl, 'sqlite:/tmp/x.db');
  assert.equal(loadConfig({ DATABASE_URL: 'sqlite:rel/x.db' }, '', '/srv').databaseUrl, 'sqlite:/srv/rel/x.db');
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).databaseUrl, 'postgres://u@h/db');
});

test('the job lease: at least 15 s by default, 45 s when Microsoft mails (a retried invitation waits 30 s)', () => {
  assert.match(
    problemsOf(() => loadConfig({ GUESTLIST_JOB_LEASE_SECONDS: '5' })).GUESTLIST_JOB_LEASE_SECONDS!,
    /15 to 3600/,
  );
  assert.equal(loadConfig({ GUESTLIST_JOB_LEASE_SECONDS: '20' }).worker.leaseMs, 20_000);
  const microsoft = { GUESTLIST_INVITATION_EMAIL: 'microsoft' };
  assert.equal(loadConfig(microsoft).worker.leaseMs, 60_000);
  assert.match(
    problemsOf(() => loadConfig({ ...microsoft, GUESTLIST_JOB_LEASE_SECONDS: '20' })).GUESTLIST_JOB_LEASE_SECONDS!,
    /45 to 3600/,
  );
});

test('invitation email mode, not-found window, invitation expiry and branding', () => {
  const config = loadConfig({
    GUESTLIST_INVITATION_EMAIL: 'microsoft',
    GUESTLIST_NOT_FOUND_MINUTES: '5',
    GUESTLIST_INVITATION_EXPIRY_DAYS: '7',
    GUESTLIST_ORGANIZATION_NAME: 'Fabrikam',
    GUESTLIST_APP_NAME: 'the partner portal',
    GUESTLIST_LOGO_URL: 'https://cdn.fabrikam.com/logo.svg',
    GUESTLIST_ACCENT_COLOR: '#A4262C',
    GUESTLIST_INTRO_TEXT: 'Partners of Fabrikam ask here.',
    GUESTLIST_PRIVACY_URL: 'https://fabrikam.com/privacy',
    GUESTLIST_SESSION_IDLE_MINUTES: '30',
    GUESTLIST_SESSION_MAX_HOURS: '8',
  });
  assert.equal(config.invitation.email, 'microsoft');
  assert.equal(config.invitation.notFoundWindowMs, 5 * 60_000);
  assert.equal(config.redemptionCheck.expiryMs, 7 * 86_400_000);
  assert.deepEqual(config.branding, {
    organizationName: 'Fabrikam',
    appName: 'the partner portal',
    logoUrl: 'https://cdn.fabrikam.com/logo.svg',
    accentColor: '#a4262c',
    introText: 'Partners of Fabrikam ask here.',
    privacyUrl: 'https://fabrikam.com/privacy',
  });
  assert.deepEqual(config.sessions, { idleMs: 30 * 60_000, maxMs: 8 * 3_600_000 });
  assert.match(problemsOf(() => loadConfig({ GUESTLIST_ACCENT_COLOR: 'red' })).GUESTLIST_ACCENT_COLOR!, /#rrggbb/);
  assert.match(problemsOf(() => loadConfig({ GUESTLIST_LOGO_URL: 'javascript:alert(1)' })).GUESTLIST_LOGO_URL!, /http/);
  const defaults = loadConfig({});
  assert.equal(defaults.invitation.notFoundWindowMs, 15 * 60_000);
  assert.equal(defaults.redemptionCheck.expiryMs, 30 * 86_400_000);
  assert.match(
    problemsOf(() => loadConfig({ GUESTLIST_INVITATION_EMAIL: 'graph' })).GUESTLIST_INVITATION_EMAIL!,
    /guestlist or microsoft/,
  );
});

test('each wrong or missing setting is named with what is wrong', () => {
  assert.match(problemsOf(() => loadConfig({ PORT: 'eighty' })).PORT!, /whole number/);
  assert.match(problemsOf(() => loadConfig({ DATABASE_URL: 'mysql://x' })).DATABASE_URL!, /sqlite: or postgres/);
  const partial = problemsOf(() => loadConfig({ AZURE_TENANT_ID: TENANT }));
  assert.match(partial.AZURE_CLIENT_ID!, /required/);
  assert.match(partial.AZURE_CLIENT_SECRET!, /AZURE_CLIENT_CERTIFICATE_PATH/);
  assert.match(partial.GUESTLIST_APP_URL!, /required/);
  assert.match(problemsOf(() => loadConfig({ ...entraEnv, AZURE_CLIENT_ID: 'my-app' })).AZURE_CLIENT_ID!, /GUID/);
  assert.match(
    problemsOf(() => loadConfig({ ...entraEnv, AZURE_AUTHORITY_HOST: 'http://login.example' })).AZURE_AUTHORITY_HOST!,
    /https/,
  );
  assert.match(
    problemsOf(() => loadConfig({ ...entraEnv, AZURE_CLIENT_CERTIFICATE_PATH: '/c.pem' }))
      .AZURE_CLIENT_CERTIFICATE_PATH!,
    /only one/,
  );
  assert.match(problemsOf(() => loadConfig({ GUESTLIST_GROUP_IDS: 'sales-team' })).GUESTLIST_GROUP_IDS!, /GUID/);
  assert.match(problemsOf(() => loadConfig({ GUESTLIST_APP_URL: 'app.contoso.com' })).GUESTLIST_APP_URL!, /absolute/);
  assert.match(
    problemsOf(() => loadConfig({ GUESTLIST_SEND_INVITATION_MESSAGE: 'true' })).GUESTLIST_SEND_INVITATION_MESSAGE!,
    /replaced by GUESTLIST_INVITATION_EMAIL/,
  );
});

test('Entra mode needs SMTP, a sender and a public URL for the verification email; the sandbox does not', () => {
  const { SMTP_URL: _, GUESTLIST_PUBLIC_URL: __, GUESTLIST_MAIL_FROM: ___, ...without } = entraEnv;
  const problems = problemsOf(() => loadConfig(without));
  assert.match(problems.SMTP_URL!, /required with Azure credentials/);
  assert.match(problems.GUESTLIST_PUBLIC_URL!, /required with Azure credentials/);
  assert.match(problems.GUESTLIST_MAIL_FROM!, /required with Azure credentials/);
  assert.equal(loadConfig({}).mail.smtpUrl, null);
});

test('Graph mail: GUESTLIST_MAIL_MAILBOX stands in for SMTP_URL and the sender with Entra; conflicts and bad values are named', () => {
  const { SMTP_URL: _, GUESTLIST_MAIL_FROM: __, ...noSmtp } = entraEnv;
  const graph = loadConfig({ ...noSmtp, GUESTLIST_MAIL_MAILBOX: 'guestlist@contoso.com' });
  assert.deepEqual(graph.mail, {
    transport: 'graph',
    smtpUrl: null,
    mailbox: 'guestlist@contoso.com',
    from: 'guestlist@contoso.com',
    expiryReminderDays: 7,
  });
  assert.equal(
    loadConfig({ ...noSmtp, GUESTLIST_MAIL_TRANSPORT: 'graph', GUESTLIST_MAIL_MAILBOX: 'a@contoso.com' }).mail
      .transport,
    'graph',
  );
  assert.equal(loadConfig(entraEnv).mail.transport, 'smtp');
  assert.equal(loadConfig({}).mail.transport, 'sandbox');
  const both = problemsOf(() => loadConfig({ ...entraEnv, GUESTLIST_MAIL_MAILBOX: 'guestlist@contoso.com' }));
  assert.match(both.GUESTLIST_MAIL_TRANSPORT!, /must say which to use/);
  assert.equal(
    loadConfig({ ...entraEnv, GUESTLIST_MAIL_MAILBOX: 'gl@contoso.com', GUESTLIST_MAIL_TRANSPORT: 'smtp' }).mail
      .mailbox,
    null,
  );
  assert.match(
    problemsOf(() => loadConfig({ ...noSmtp, GUESTLIST_MAIL_TRANSPORT: 'graph' })).GUESTLIST_MAIL_MAILBOX!,
    /required/,
  );
  assert.match(
    problemsOf(() => loadConfig({ ...noSmtp, GUESTLIST_MAIL_TRANSPORT: 'exchange' })).GUESTLIST_MAIL_TRANSPORT!,
    /smtp or graph/,
  );
  assert.match(
    problemsOf(() => loadConfig({ ...noSmtp, GUESTLIST_MAIL_MAILBOX: 'Guestlist <gl@contoso.com>' }))
      .GUESTLIST_MAIL_MAILBOX!,
    /mailbox's address/,
  );
  assert.match(
    problemsOf(() => loadConfig({ GUESTLIST_MAIL_MAILBOX: 'gl@contoso.com' })).GUESTLIST_MAIL_MAILBOX!,
    /AZURE_TENANT_ID/,
  );
  assert.match(problemsOf(() => loadConfig(noSmtp)).SMTP_URL!, /GUESTLIST_MAIL_MAILBOX/, 'the error offers Graph mail');
});

test("GUESTLIST_TRUST_PROXY: off by default, a hop count, or the proxies' addresses; never true", () => {
  assert.equal(loadConfig({}).trustProxy, false);
  assert.equal(loadConfig({ GUESTLIST_TRUST_PROXY: 'false' }).trustProxy, false);
  assert.equal(loadConfig({ GUESTLIST_TRUST_PROXY: '0' }).trustProxy, false);
  assert.deepEqual(loadConfig({ GUESTLIST_TRUST_PROXY: '1' }).trustProxy, { hops: 1 });
  assert.deepEqual(loadConfig({ GUESTLIST_TRUST_PROXY: ' 2 ' }).trustProxy, { hops: 2 });
  assert.deepEqual(loadConfig({ GUESTLIST_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, {
    addresses: ['10.0.0.0/8', '127.0.0.1'],
  });
  assert.deepEqual(loadConfig({ GUESTLIST_TRUST_PROXY: '::1,fd00::/8' }).trustProxy, {
    addresses: ['::1', 'fd00::/8'],
  });
  for (const yes of ['true', 'TRUE', 'yes']) {
    const problem = problemsOf(() => loadConfig({ GUESTLIST_TRUST_PROXY: yes })).GUESTLIST_TRUST_PROXY!;
    assert.match(problem, /true is refused/, yes);
    assert.match(problem, /any client can write/, 'says why');
    assert.match(problem, /1 behind Azure Container Apps or App Service/, 'says what to set instead');
  }
  for (const bad of ['the load balancer', 'abc', '11', '-1', '1.5', 'fe', '10.0.0.0/33', '10.0.0.1/8/1']) {
    assert.match(
      problemsOf(() => loadConfig({ GUESTLIST_TRUST_PROXY: bad })).GUESTLIST_TRUST_PROXY!,
      /the number of proxies in front of Guestlist \(1 to 10\), or the proxies' addresses/,
      bad,
    );
  }
});

test('the secret never appears in a configuration error message', () => {
  try {
    loadConfig({ ...entraEnv, AZURE_CLIENT_ID: 'bad', PORT: '-1' });
    assert.fail('expected an error');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.doesNotMatch(error.message, /s3cret/);
  }
});

test('GUESTLIST_TEAMS_WEBHOOK_URL: https, http://localhost in the sandbox only, and a bad one is refused without repeating it', () => {
  const teams = 'https://prod-1.westeurope.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sig=abc';
  assert.equal(loadConfig({}).notifications.teamsWebhookUrl, null);
  assert.equal(loadConfig({ ...entraEnv, GUESTLIST_TEAMS_WEBHOOK_URL: teams }).notifications.teamsWebhookUrl, teams);
  assert.equal(loadConfig({}).notifications.allowLocalHttp, true, 'the sandbox');
  assert.equal(loadConfig(entraEnv).notifications.allowLocalHttp, false);
  const local = 'http://localhost:7071/flow';
  assert.equal(loadConfig({ GUESTLIST_TEAMS_WEBHOOK_URL: local }).notifications.teamsWebhookUrl, local);
  assert.deepEqual(
    problemsOf(() => loadConfig({ ...entraEnv, GUESTLIST_TEAMS_WEBHOOK_URL: local })),
    {
      GUESTLIST_TEAMS_WEBHOOK_URL: 'The URL must start with https://.',
    },
  );
  const problems = problemsOf(() =>
    loadConfig({ GUESTLIST_TEAMS_WEBHOOK_URL: 'http://flows.example.com/x?sig=SECRET' }),
  );
  assert.match(problems.GUESTLIST_TEAMS_WEBHOOK_URL ?? '', /must start with https:\/\//);
  assert.doesNotMatch(JSON.stringify(problems), /SECRET/, 'its signature is not repeated');
});

test('GUESTLIST_APPROVAL_LINK_DAYS: 7 days unless set, 1 to 90', () => {
  assert.equal(loadConfig({}, '', '/srv/gl').approvalLinkMs, 7 * 86_400_000);
  assert.equal(loadConfig({ GUESTLIST_APPROVAL_LINK_DAYS: '14' }, '', '/srv/gl').approvalLinkMs, 14 * 86_400_000);
  for (const wrong of ['0', '91', 'soon']) {
    const problems = problemsOf(() => loadConfig({ GUESTLIST_APPROVAL_LINK_DAYS: wrong }, '', '/srv/gl'));
    assert.ok(problems.GUESTLIST_APPROVAL_LINK_DAYS, wrong);
  }
});
