// Logs and metrics as an operator meets them, on `npm start`'s sandbox (server, worker,
// in-process emulator): one info line per business event, each with the access request's id
// and the HTTP request's id (x-request-id) or the job's; nothing at info for health checks,
// assets and favicon 404s; no address, name or token in any line; and /metrics, after the
// flow, with its counters moved — refused without the scraper's token.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { createApiToken } from '../../src/app/create-api-token.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { type Runtime, startGuestlist, systemClock, uuidIds } from '../../src/main.ts';
import { until } from '../helpers/sandbox.ts';

const METRICS_TOKEN = 'metrics-scraper-token-0123456789-abcdef';
const EMAIL = 'telemetry.person@tailspin.test';
const NAMES = { firstName: 'Tele', lastName: 'Metryson' };

let runtime: Runtime;
let dir: string;
let lines: Array<Record<string, unknown>>;
let raw: string;
let adminToken: string;
let adminHeaders: Record<string, string>;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'gl-telemetry-'));
  lines = [];
  raw = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      raw += chunk.toString();
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig({
    DATABASE_URL: `sqlite:${dir}/gl.db`,
    GUESTLIST_DATA_DIR: dir,
    PORT: '0',
    GUESTLIST_SANDBOX_LAG_SECONDS: '0',
    GUESTLIST_REDEMPTION_CHECK_MINUTES: '0.005', // 0.3 s, so the redemption is seen at once
    GUESTLIST_METRICS_TOKEN: METRICS_TOKEN,
  });
  runtime = await startGuestlist(config, { http: true, worker: true, logger: createLogger('info', sink) });
  const created = await createApiToken(
    { store: runtime.db.store, clock: systemClock, ids: uuidIds },
    { name: 'telemetry-admin', role: 'admin', actor: { kind: 'cli', user: 'test' } },
  );
  adminToken = created.token;

  adminHeaders = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
});
after(async () => {
  await runtime?.stop();
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => undefined);
});

const api = async (method: string, url: string, body?: object) => {
  const res = await fetch(`${runtime.url}${url}`, {
    method,
    headers: adminHeaders,
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return {
    status: res.status,
    reqId: res.headers.get('x-request-id'),
    body: (await res.json()) as Record<string, unknown>,
  };
};

const infoLines = () => lines.filter((line) => (line.level as number) >= 30);

test('health checks, assets and static noise write nothing at info', async () => {
  const before = infoLines().length;
  for (const url of ['/healthz', '/readyz', '/assets/guestlist.css', '/favicon.ico', '/robots.txt']) {
    const res = await fetch(`${runtime.url}${url}`);
    assert.ok(res.status === 200 || res.status === 404, `${url}: ${res.status}`);
    await res.arrayBuffer();
  }
  assert.deepEqual(infoLines().slice(before), []);
});

test('a refused request is one info line: status, path without its query, and the id sent back', async () => {
  const res = await fetch(`${runtime.url}/api/v1/access-requests?search=someone`, {
    headers: { authorization: 'Bearer gl_not-a-real-token' },
  });
  assert.equal(res.status, 401);
  await res.arrayBuffer();
  const line = infoLines().find((l) => l.reqId === res.headers.get('x-request-id'));
  assert.ok(line, 'the refusal was logged at info');
  assert.deepEqual(
    [line.msg, (line.res as { statusCode: number }).statusCode, (line.req as { url: string }).url],
    ['request completed', 401, '/api/v1/access-requests?…'],
  );
  assert.ok(!raw.includes('not-a-real-token'));
});

test('one info line per business event, with the request id and the HTTP or job id, and no personal data', async () => {
  const first = infoLines().length;
  const submitted = await fetch(`${runtime.url}/api/v1/access-requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, ...NAMES }),
  });
  assert.equal(submitted.status, 202);
  const { id } = (await submitted.json()) as { id: string };
  const submitReqId = submitted.headers.get('x-request-id');
  assert.match(submitReqId ?? '', /^[0-9a-f-]{36}$/);

  // The verification email, then the link opened and confirmed as a browser does.
  type Message = { to: string[]; links: string[]; subject: string };
  const mail = await until(
    () => api('GET', '/api/v1/sandbox/messages'),
    (r) => (r.body.items as Message[]).some((m) => m.to.includes(EMAIL)),
  );
  const link = (mail.body.items as Message[])
    .find((m) => m.to.includes(EMAIL))!
    .links.find((l) => l.includes('/verify?token='))!;
  const token = new URL(link).searchParams.get('token') ?? '';
  const shown = await fetch(`${runtime.url}/verify?token=${encodeURIComponent(token)}`);
  const cookie = shown.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await shown.text())?.[1] ?? '';
  const confirmed = await fetch(`${runtime.url}/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ token, _csrf: csrf }).toString(),
  });
  assert.equal(confirmed.status, 200);
  await confirmed.text();

  const approved = await api('POST', `/api/v1/access-requests/${id}/approve`, {});
  assert.equal(approved.status, 200);
  const invited = await until(
    () => api('GET', `/api/v1/access-requests/${id}`),
    (r) => r.body.status === 'invited' || r.body.status === 'active',
  );
  assert.ok(['invited', 'active'].includes(String(invited.body.status)), JSON.stringify(invited.body));
  // The guest opens Guestlist's own invitation email's redeem link; the redemption check sees it.
  const messages = await until(
    () => api('GET', '/api/v1/sandbox/messages'),
    (r) => (r.body.items as Message[]).some((m) => m.to.includes(EMAIL) && /invites you/.test(m.subject)),
  );
  const redeem = (messages.body.items as Message[])
    .find((m) => m.to.includes(EMAIL) && /invites you/.test(m.subject))!
    .links.find((l) => l.includes('/sandbox/redeem'))!;
  await (await fetch(redeem.replace(runtime.config.publicUrl, runtime.url!), { redirect: 'manual' })).arrayBuffer();
  await until(
    () => api('GET', `/api/v1/access-requests/${id}`),
    (r) => r.body.status === 'active',
  );
  // At info exactly: a warning about the request (the sandbox's role stage has nobody signed
  // in to email: notify-approvers.ts) is not a business event.
  const eventLines = () => lines.filter((line) => line.level === 30 && line.requestId === id);
  await until(
    async () => eventLines().length,
    (n) => n >= 5,
  );

  const events = eventLines();
  assert.deepEqual(
    events.map((line) => line.event),
    ['submitted', 'verified', 'approved', 'invited', 'redeemed'],
    'business events only, in order, one line each',
  );
  const [submit, verify, approve, invite, redeemed] = events as Array<Record<string, unknown>>;
  assert.deepEqual(
    { reqId: submit!.reqId, from: submit!.from, to: submit!.to, actor: submit!.actor, msg: submit!.msg },
    { reqId: submitReqId, from: null, to: 'pending_verification', actor: 'requester', msg: 'request submitted' },
  );
  assert.equal(verify!.reqId, confirmed.headers.get('x-request-id'));
  assert.equal(verify!.actor, 'requester');
  assert.equal(approve!.reqId, approved.reqId);
  assert.equal(approve!.actor, 'token:telemetry-admin');
  assert.deepEqual([approve!.from, approve!.to], ['pending_approval', 'approved']);
  // Worker events carry the job, not an HTTP request.
  assert.equal(invite!.reqId, undefined);
  assert.equal(invite!.jobKind, 'grant_access');
  assert.match(String(invite!.jobId), /^[0-9a-f-]{36}$/);
  assert.deepEqual([invite!.from, invite!.to, invite!.actor], ['provisioning', 'invited', 'worker']);
  assert.equal(redeemed!.jobKind, 'check_redemption');
  assert.deepEqual([redeemed!.from, redeemed!.to], ['invited', 'active']);

  // Every info line of the whole flow is a business event or start-up: no access lines for
  // requests that succeeded, and nothing of the person or of any secret, at any level.
  const others = infoLines()
    .slice(first)
    .filter((line) => line.level === 30 && line.event === undefined);
  assert.deepEqual(
    others.map((line) => line.msg),
    [],
  );
  for (const secret of [EMAIL, NAMES.firstName, NAMES.lastName, token, adminToken, METRICS_TOKEN]) {
    assert.ok(!raw.includes(secret), `${secret.slice(0, 12)}… is not logged`);
  }
});

test('/metrics: refused without the scraper token, and after the flow its counters have moved', async () => {
  assert.equal((await fetch(`${runtime.url}/metrics`)).status, 401);
  const wrong = await fetch(`${runtime.url}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } });
  assert.equal(wrong.status, 401, 'an admin API token is not the scraper token');
  assert.match(wrong.headers.get('www-authenticate') ?? '', /^Bearer/);

  const res = await fetch(`${runtime.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const value = (series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };
  assert.equal(value('guestlist_request_events_total{event="submitted"}'), 1);
  assert.equal(value('guestlist_request_events_total{event="invited"}'), 1);
  assert.equal(value('guestlist_request_events_total{event="redeemed"}'), 1);
  assert.equal(value('guestlist_requests{status="active"}'), 1);
  assert.equal(value('guestlist_requests{status="failed"}'), 0, 'every state, zeros included');
  assert.equal(value('guestlist_invitations_total{outcome="sent"}'), 1);
  assert.equal(value('guestlist_emails_total{job="send_verification",outcome="sent"}'), 1);
  assert.equal(value('guestlist_emails_total{job="send_invitation",outcome="sent"}'), 1);
  assert.equal(value('guestlist_approve_to_invited_seconds_count'), 1);
  assert.equal(value('guestlist_provisioning_paused'), 0);
  assert.ok(
    (value('guestlist_graph_requests_total{method="POST",endpoint="/v1.0/invitations",status="201"}') ?? 0) >= 1,
    text,
  );
  assert.ok((value('guestlist_graph_requests_total{method="GET",endpoint="/v1.0/users",status="200"}') ?? 0) >= 1);
  assert.match(text, /endpoint="\/v1\.0\/groups\/\{id\}\/members\/\$ref"/, 'ids templated out of paths');
  assert.match(text, /^process_resident_memory_bytes \d+/m, 'process metrics too');
  assert.match(text, /^# TYPE guestlist_jobs_oldest_due_age_seconds gauge/m);
  assert.ok(!text.includes(EMAIL) && !text.includes('tailspin'), 'no address in any label');
});
