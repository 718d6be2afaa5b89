// The authority host and the Graph URL must be in the same Microsoft cloud.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Context } from '../../src/cli/doctor.ts';
import { checkCloud } from '../../src/cli/doctor-cloud-check.ts';
import type { EntraConfig } from '../../src/config.ts';
import { appConfig, startTenant } from '../adapters/directory/emulated-tenant.ts';
import { configFor, doctor, failures } from './doctor-fixtures.ts';

function entra(authorityHost: string, graphUrl: string): EntraConfig {
  return {
    tenantId: 'contoso.onmicrosoft.com',
    clientId: '6aa93996-b4b2-4e2e-a0f8-6885d919b178',
    signInClientId: '6aa93996-b4b2-4e2e-a0f8-6885d919b178',
    credential: { kind: 'secret', secret: 'x' },
    authorityHost,
    graphUrl,
  };
}

async function cloudLines(authorityHost: string, graphUrl: string) {
  const config = entra(authorityHost, graphUrl);
  const ctx: Context = {
    deps: { config: configFor(config), out: { write() {} } },
    entra: config,
    token: null,
    noToken: null,
    cloudMismatch: false,
    mailVerified: false,
  };
  return { lines: await checkCloud(ctx), mismatch: ctx.cloudMismatch };
}

for (const [authority, graph, cloud] of [
  ['https://login.microsoftonline.com', 'https://graph.microsoft.com', 'the global cloud'],
  ['https://login.microsoftonline.us', 'https://graph.microsoft.us', 'the US Government cloud'],
  ['https://login.microsoftonline.us', 'https://dod-graph.microsoft.us', 'the US Government cloud'],
  ['https://login.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn', 'the China cloud operated by 21Vianet'],
] as const) {
  test(`${new URL(authority).host} with ${new URL(graph).host} is ✓ (${cloud})`, async () => {
    const { lines, mismatch } = await cloudLines(authority, graph);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.mark, '✓');
    assert.match(lines[0]!.text, new RegExp(`are both in ${cloud}\\.$`));
    assert.equal(mismatch, false);
  });
}

test('a global authority with US Government Graph is ✗ with both ways to fix it', async () => {
  const { lines, mismatch } = await cloudLines('https://login.microsoftonline.com', 'https://graph.microsoft.us');
  assert.deepEqual(lines, [
    {
      mark: '✗',
      text:
        'AZURE_AUTHORITY_HOST login.microsoftonline.com is in the global cloud but GUESTLIST_GRAPH_URL graph.microsoft.us ' +
        'is in the US Government cloud: a token from one is refused by the other.',
      fix:
        'Use the cloud your tenant is in: GUESTLIST_GRAPH_URL=https://graph.microsoft.com for the global cloud, ' +
        'or AZURE_AUTHORITY_HOST=https://login.microsoftonline.us for the US Government cloud.',
    },
  ]);
  assert.equal(mismatch, true);
});

test('a China authority with global Graph is ✗', async () => {
  const { lines } = await cloudLines('https://login.chinacloudapi.cn', 'https://graph.microsoft.com');
  assert.equal(lines[0]!.mark, '✗');
  assert.match(lines[0]!.fix!, /GUESTLIST_GRAPH_URL=https:\/\/microsoftgraph\.chinacloudapi\.cn/);
});

test('a host in no known cloud is skipped, naming it and why', async () => {
  const one = await cloudLines('https://login.microsoftonline.com', 'https://graph-proxy.contoso.com');
  assert.deepEqual(one.lines, [
    {
      mark: 'skipped',
      text:
        'Same cloud for AZURE_AUTHORITY_HOST and GUESTLIST_GRAPH_URL — GUESTLIST_GRAPH_URL graph-proxy.contoso.com is in ' +
        'no Microsoft cloud doctor knows (an emulator or a proxy?), so the pairing cannot be checked.',
    },
  ]);
  const both = await cloudLines('https://127.0.0.1:8443', 'https://127.0.0.1:8443');
  assert.match(both.lines[0]!.text, /AZURE_AUTHORITY_HOST 127\.0\.0\.1 and GUESTLIST_GRAPH_URL 127\.0\.0\.1 are in no/);
});

test('the whole run: a mismatch is ✗, exit 1, and no token is asked for (listed as skipped)', async () => {
  const { code, output } = await doctor(
    configFor(entra('https://login.microsoftonline.com', 'https://microsoftgraph.chinacloudapi.cn')),
  );
  assert.equal(code, 1);
  assert.equal(failures(output).length, 1, output);
  assert.match(
    output,
    /^- skipped: Entra token — AZURE_AUTHORITY_HOST and GUESTLIST_GRAPH_URL are in different clouds/m,
  );
  assert.match(output, /^- skipped: Permissions — no token: AZURE_AUTHORITY_HOST and GUESTLIST_GRAPH_URL are in/m);
});

test('against the emulator the cloud check is listed as skipped, and the run still passes', async (t) => {
  const em = await startTenant(t);
  const { code, output } = await doctor(configFor(await appConfig(em)), { ca: em.caPem });
  assert.equal(code, 0, output);
  assert.match(
    output,
    /^- skipped: Same cloud for AZURE_AUTHORITY_HOST and GUESTLIST_GRAPH_URL — .* no Microsoft cloud/m,
  );
});
