// APPLICATIONINSIGHTS_CONNECTION_STRING: a real `guestlist serve` (sandbox) sends its traces
// and metrics to the ingestion endpoint the connection string names — here a receiver on
// loopback in this test, so nothing leaves the machine — and never logs the key. The
// exporter POSTs JSON envelopes (gzip-encoded or not) to /v2.1/track or /v2/track, and only
// over TLS (an http:// endpoint gets a TLS handshake): the receiver has a certificate from a
// CA of the test's own, which the child trusts through NODE_EXTRA_CA_CERTS.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { prepareTls } from '../../src/emulator/certificates.ts';
import { startGuestlist } from '../helpers/process.ts';

interface Envelope {
  name: string;
  iKey?: string;
  data?: { baseType?: string; baseData?: Record<string, unknown> };
}

test('with a connection string, serve sends requests and metrics to Azure Monitor', async (t) => {
  const envelopes: Envelope[] = [];
  const paths = new Set<string>();
  const tlsDir = await mkdtemp(path.join(tmpdir(), 'gl-azmon-'));
  t.after(() => rm(tlsDir, { recursive: true, force: true }));
  const tls = await prepareTls(tlsDir);
  const receiver = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      paths.add(`${req.method} ${req.url}`);
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const text = body.toString('utf8').trim();
      // An array of envelopes, or one JSON envelope per line.
      const items: Envelope[] = text.startsWith('[')
        ? (JSON.parse(text) as Envelope[])
        : text
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as Envelope);
      envelopes.push(...items);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }));
    });
  });
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  t.after(() => receiver.close());
  const port = (receiver.address() as AddressInfo).port;
  const ikey = '00000000-0000-0000-0000-000000000000';

  const serve = await startGuestlist(t, ['serve'], {
    PORT: '0',
    LOG_LEVEL: 'info',
    GUESTLIST_LOG_FORMAT: 'json',
    APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${ikey};IngestionEndpoint=https://127.0.0.1:${port}/`,
    NODE_EXTRA_CA_CERTS: tls.caPath,
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
    OTEL_BSP_SCHEDULE_DELAY: '200',
  });
  const url = /"url":"(http:\/\/[^"]+)"/.exec(await serve.line(/"url":"http:/, 40_000))![1]!;
  assert.match(serve.output(), /traces and metrics go to Azure Monitor/);
  assert.doesNotMatch(serve.output(), /does not send telemetry/);
  for (let i = 0; i < 3; i++) assert.equal((await fetch(`${url}/healthz`)).status, 200);
  assert.equal((await fetch(`${url}/no-such-page`)).status, 404);
  // A link's secret rides in the query string: it is never exported.
  await fetch(`${url}/status?token=SECRET-link-token`);

  const deadline = Date.now() + 30_000;
  const requests = () => envelopes.filter((e) => e.data?.baseType === 'RequestData');
  // Metrics proper: the first export may hold only the resource's description (_OTELRESOURCE_).
  const metricNames = () =>
    envelopes
      .filter((e) => e.data?.baseType === 'MetricData')
      .flatMap((e) => ((e.data?.baseData?.metrics ?? []) as { name: string }[]).map((m) => m.name))
      .filter((name) => name !== '_OTELRESOURCE_');
  while ((requests().length < 5 || metricNames().length === 0) && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 200));
  }
  assert.ok(metricNames().length > 0, `metrics arrived: ${[...paths].join(', ')}`);
  const healthz = requests().filter((e) => String(e.data?.baseData?.url ?? '').endsWith('/healthz'));
  assert.ok(healthz.length >= 3, `three /healthz requests traced, got ${JSON.stringify(requests().slice(0, 3))}`);
  assert.ok(
    requests().some((e) => String(e.data?.baseData?.responseCode) === '404'),
    'the 404 traced with its status',
  );
  assert.ok(envelopes.every((e) => e.iKey === ikey));
  assert.ok(
    requests().some((e) => String(e.data?.baseData?.url).endsWith('/status')),
    'the path alone',
  );
  const operations = requests().map((e) => (e as { tags?: Record<string, string> }).tags?.['ai.operation.name']);
  assert.ok(operations.includes('GET /healthz'), `named by route: ${operations.join(', ')}`);
  assert.doesNotMatch(JSON.stringify(envelopes), /SECRET-link-token/);
  assert.ok(envelopes.some((e) => (e as { tags?: Record<string, string> }).tags?.['ai.cloud.role'] === 'guestlist'));
  assert.ok(
    [...paths].every((p) => /^POST \/v2(\.1)?\/track/.test(p)),
    [...paths].join(', '),
  );

  serve.child.kill('SIGTERM');
  assert.equal(await serve.exited, 0);
  assert.match(serve.output(), /"msg":"stopped"/);
  assert.ok(!serve.output().includes(ikey), 'the ingestion key is never logged');
});

test('without a connection string, serve never loads the Azure Monitor distro', async (t) => {
  // A resolve hook in the child reports each package it loads: fastify, never the distro.
  const dir = await mkdtemp(path.join(tmpdir(), 'gl-azmon-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const hook = path.join(dir, 'report-packages.mjs');
  await writeFile(
    hook,
    [
      "import { registerHooks } from 'node:module';",
      'const seen = new Set();',
      'registerHooks({ resolve(specifier, context, next) {',
      '  const found = next(specifier, context);',
      '  const name = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(found.url)?.[1];',
      "  if (name && !seen.has(name)) { seen.add(name); process.stderr.write('package loaded: ' + name + '\\n'); }",
      '  return found;',
      '} });',
    ].join('\n'),
  );
  const serve = await startGuestlist(t, ['serve'], {
    PORT: '0',
    GUESTLIST_LOG_FORMAT: 'json',
    NODE_OPTIONS: `--import ${pathToFileURL(hook).href}`,
  });
  await serve.line(/"url":"http:/, 40_000);
  serve.child.kill('SIGTERM');
  assert.equal(await serve.exited, 0);
  assert.match(serve.output(), /package loaded: fastify\n/, 'the hook sees packages');
  assert.doesNotMatch(serve.output(), /package loaded: @(azure\/monitor-opentelemetry|opentelemetry\/)/);
  assert.doesNotMatch(serve.output(), /Azure Monitor/);
});
