// The logs-and-metrics settings: read once, checked, and their secrets never logged.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => p.setting);
  }
};

test('defaults: JSON or pretty by terminal, no metrics served, no Azure Monitor', () => {
  const config = loadConfig({});
  assert.equal(config.logFormat, 'auto');
  assert.deepEqual(config.metrics, { token: null, port: null, host: '127.0.0.1' });
  assert.deepEqual(config.telemetry, { connectionString: null });
});

test('a short metrics token, a metrics port equal to PORT and an unknown log format are refused by name', () => {
  assert.deepEqual(problemsOf({ GUESTLIST_METRICS_TOKEN: 'short' }), ['GUESTLIST_METRICS_TOKEN']);
  assert.deepEqual(problemsOf({ PORT: '8080', GUESTLIST_METRICS_PORT: '8080' }), ['GUESTLIST_METRICS_PORT']);
  assert.deepEqual(problemsOf({ GUESTLIST_METRICS_PORT: 'ninety' }), ['GUESTLIST_METRICS_PORT']);
  assert.deepEqual(problemsOf({ GUESTLIST_LOG_FORMAT: 'xml' }), ['GUESTLIST_LOG_FORMAT']);
  // An Application Insights connection string needs its GUID instrumentation key.
  for (const connection of ['InstrumentationKey=abc', 'https://westeurope-5.in.applicationinsights.azure.com/'])
    assert.deepEqual(problemsOf({ APPLICATIONINSIGHTS_CONNECTION_STRING: connection }), [
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
    ]);
  const ikey = 'InstrumentationKey=00000000-0000-0000-0000-000000000000';
  for (const connection of [ikey, `${ikey};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`])
    assert.deepEqual(loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: connection }).telemetry, {
      connectionString: connection,
    });
  const config = loadConfig({
    GUESTLIST_METRICS_PORT: '9464',
    GUESTLIST_METRICS_HOST: '0.0.0.0',
    GUESTLIST_LOG_FORMAT: 'json',
  });
  assert.deepEqual([config.metrics.port, config.metrics.host, config.logFormat], [9464, '0.0.0.0', 'json']);
});

test('pretty logs are lines for a person, not JSON, and still without secrets', () => {
  const script = `
    import { createLogger } from './src/logger.ts';
    const logger = createLogger('info', undefined, 'pretty');
    logger.info({ event: 'approved', requestId: 'r-1', link: { token: 'SECRET-pretty-token' } }, 'request approved');
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /INFO.*request approved/);
  assert.match(run.stdout, /requestId: "r-1"/);
  assert.doesNotMatch(run.stdout, /^\{/m, 'not JSON');
  assert.doesNotMatch(run.stdout, /SECRET-pretty-token/);
});
