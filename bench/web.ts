// The people-facing side under load: `guestlist serve` (sandbox mode, SQLite) in its own
// process, driven by autocannon from this one.
//   web    public form submissions per second next to /healthz in the same run, and p99
//          at 100 connections; then one client flooding the form while another submits
//   queue  the console's queue page with 100,000 requests: p99 of the first page and of a
//          search by email
// Figures are printed, never asserted (bench/README.md).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import autocannon from 'autocannon';
import { codecFor, requestToRow } from '../src/adapters/store/codec.ts';
import { openDatabase } from '../src/adapters/store/index.ts';
import { startSession } from '../src/app/sessions.ts';
import { DEFAULT_APP_ID } from '../src/domain/apps.ts';
import type { AccessRequest, Status } from '../src/domain/lifecycle.ts';
import { startEmulator } from '../src/emulator/index.ts';
import { sessionCookieName } from '../src/http/auth.ts';
import { line, stopProcess, waitUntil, workerEnv } from './lib.ts';
import { startSmtpSink } from './smtp-sink.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/guestlist.js');

interface Server {
  url: string;
  child: ChildProcess;
  dir: string;
  stop(): Promise<void>;
}

/** `guestlist serve` in sandbox mode in a fresh folder; its log goes to a file, not a pipe. */
export async function startServer(
  env: Record<string, string | undefined>,
  dir = mkdtempSync(path.join(tmpdir(), 'gl-bench-web-')),
  args = ['serve'],
) {
  const logPath = path.join(dir, 'serve.log');
  const log = openSync(logPath, 'a');
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      LOG_LEVEL: 'info',
      GUESTLIST_DATA_DIR: dir,
      // BENCH_SERVE_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the server.
      ...(process.env.BENCH_SERVE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVE_NODE_OPTIONS } : {}),
      ...env,
    },
    stdio: ['ignore', log, log],
  });
  let url = '';
  const started = await waitUntil(
    async () => {
      url = /"url":"(http:\/\/[^"]+)"/.exec(readFileSync(logPath, 'utf8'))?.[1] ?? '';
      return url !== '' || child.exitCode !== null;
    },
    30_000,
    100,
  );
  if (!started || !url) throw new Error(`guestlist serve did not start: ${readFileSync(logPath, 'utf8')}`);
  return {
    url,
    child,
    dir,
    async stop() {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  } satisfies Server;
}

/** The request form's cookies and CSRF token, as a browser has them after loading the page. */
export async function formSession(url: string, headers: Record<string, string> = {}) {
  const page = await fetch(`${url}/request`, { headers });
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error('no CSRF token on /request');
  return { cookie, csrf };
}

let serial = 0;
function formBody(csrf: string): string {
  serial += 1;
  return new URLSearchParams({
    _csrf: csrf,
    email: `bench-${process.pid}-${serial}@fabrikam.test`,
    firstName: 'Bench',
    lastName: `Person ${serial}`,
    justification: 'Load test',
  }).toString();
}

type Result = autocannon.Result;

function run(options: autocannon.Options): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

export function formRun(
  url: string,
  csrf: string,
  cookie: string,
  extra: Partial<autocannon.Options>,
): Promise<Result> {
  return run({
    url: `${url}/request`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    requests: [{ setupRequest: (request) => ({ ...request, body: formBody(csrf) }) }],
    ...extra,
  });
}

function figures(result: Result): string {
  const ok = result['2xx'] + (result['3xx'] ?? 0);
  return `${result.requests.average.toFixed(0)}/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${ok} ok of ${result.requests.total}, ${result.non2xx - (result['3xx'] ?? 0)} errors`;
}

/** Submissions and /healthz in one run; `label` names the set-up in the printed lines. */
async function submissionsAgainstHealth(server: Server, seconds: number, label: string): Promise<void> {
  const { cookie, csrf } = await formSession(server.url);
  // Warm-up, so neither side pays for the first compilations.
  await formRun(server.url, csrf, cookie, { connections: 10, duration: 2 });
  await run({ url: `${server.url}/healthz`, connections: 10, duration: 2 });
  const form = await formRun(server.url, csrf, cookie, { connections: 100, duration: seconds });
  const health = await run({ url: `${server.url}/healthz`, connections: 100, duration: seconds });
  line(`${label}: form submissions (POST /request, 100 connections)`, figures(form));
  line(`${label}: /healthz (100 connections)`, figures(health));
  line(`${label}: submissions / healthz (target ≥ 0.35)`, (form.requests.average / health.requests.average).toFixed(2));
}

export async function benchWeb(seconds = 10): Promise<void> {
  // Sandbox mode: one process serves the pages and runs the worker, which mails each
  // submission's confirmation link (several committed writes per submission).
  const sandbox = await startServer({ GUESTLIST_SUBMISSIONS_PER_MINUTE: '100000' });
  try {
    await submissionsAgainstHealth(sandbox, seconds, 'sandbox, one process');
  } finally {
    await sandbox.stop();
  }
  // The web tier alone (`serve --no-worker` against the emulator as Entra, SQLite), as a
  // deployment that runs its worker elsewhere: the form's own cost, without the mail.
  const emulator = await startEmulator({});
  const smtp = await startSmtpSink();
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-bench-web-'));
  const webTier = await startServer(
    {
      ...workerEnv(emulator, `sqlite:${path.join(dir, 'guestlist.db')}`, { SMTP_URL: smtp.url }),
      GUESTLIST_PUBLIC_URL: 'http://127.0.0.1',
      GUESTLIST_SUBMISSIONS_PER_MINUTE: '100000',
      LOG_LEVEL: 'info',
    },
    dir,
    ['serve', '--no-worker'],
  );
  try {
    await submissionsAgainstHealth(webTier, seconds, 'web tier alone');
  } finally {
    await webTier.stop();
    await smtp.close();
    await emulator.close();
  }
  // One address floods the form; another submits once a second, well within its allowance.
  // Both come through one proxy (one hop trusted), which appends their real addresses.
  const flood = await startServer({ GUESTLIST_SUBMISSIONS_PER_MINUTE: '60', GUESTLIST_TRUST_PROXY: '1' });
  try {
    const floodHeaders = { 'x-forwarded-for': '203.0.113.7' };
    const otherHeaders = { 'x-forwarded-for': '198.51.100.9' };
    const floodForm = await formSession(flood.url, floodHeaders);
    const otherForm = await formSession(flood.url, otherHeaders);
    const [flooding, other] = await Promise.all([
      formRun(flood.url, floodForm.csrf, floodForm.cookie, {
        connections: 50,
        duration: seconds,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: floodForm.cookie, ...floodHeaders },
      }),
      formRun(flood.url, otherForm.csrf, otherForm.cookie, {
        connections: 1,
        overallRate: 1,
        duration: seconds,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: otherForm.cookie, ...otherHeaders },
      }),
    ]);
    line('flooding client (50 connections, limit 60/min)', figures(flooding));
    line(
      "the other client's submissions during the flood",
      `${(((other['3xx'] ?? 0) / Math.max(1, other.requests.total)) * 100).toFixed(0)} % accepted, p99 ${other.latency.p99} ms (${other.requests.total} sent)`,
    );
  } finally {
    await flood.stop();
  }
}

const QUEUE_STATUSES: Status[] = ['invited', 'active', 'rejected', 'expired', 'withdrawn', 'pending_approval'];

/** Writes `count` requests straight into the SQLite file (the queue page reads them back). */
export async function seedRequests(file: string, count: number): Promise<{ email: string }> {
  const db = await openDatabase(`sqlite:${file}`);
  await db.migrate();
  await db.close();
  const codec = codecFor('sqlite');
  const sqlite = new DatabaseSync(file);
  const start = Date.now() - count * 60_000;
  let probe = '';
  let insert: StatementSync | null = null;
  sqlite.exec('begin');
  for (let i = 0; i < count; i++) {
    const email = `person${i}@company${i % 997}.test`;
    if (i === Math.floor(count / 2)) probe = email;
    const request: AccessRequest = {
      id: randomUUID(),
      email,
      firstName: 'Queue',
      lastName: `Person ${i}`,
      status: QUEUE_STATUSES[i % QUEUE_STATUSES.length]!,
      directoryUserId: null,
      redeemUrl: null,
      reason: null,
      justification: null,
      appId: DEFAULT_APP_ID,
      answers: {},
      accessExpiresAt: null,
      createdAt: new Date(start + i * 60_000),
      updatedAt: new Date(start + i * 60_000),
    };
    // The row as the store writes it, whatever columns the request has grown.
    const row = requestToRow(request, codec) as Record<string, string | null>;
    insert ??= sqlite.prepare(
      `insert into access_requests (${Object.keys(row).join(', ')}) values (${Object.keys(row)
        .map(() => '?')
        .join(', ')})`,
    );
    insert.run(...Object.values(row));
  }
  sqlite.exec('commit');
  sqlite.close();
  return { email: probe };
}

export async function benchQueue(count = 100_000, seconds = 10): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-bench-queue-'));
  const file = path.join(dir, 'guestlist.db');
  const databaseUrl = `sqlite:${file}`;
  const seeded = Date.now();
  const { email } = await seedRequests(file, count);
  line(`seeded ${count} requests`, `${((Date.now() - seeded) / 1000).toFixed(1)} s`);
  const db = await openDatabase(databaseUrl);
  const secret = await startSession(
    { sessions: db.sessions, clock: { now: () => new Date() }, settings: { idleMs: 3_600_000, maxMs: 3_600_000 } },
    { via: 'local', subject: 'bench', name: 'Bench Admin', email: null, role: 'admin' },
  );
  await db.close();
  const server = await startServer({ DATABASE_URL: databaseUrl }, dir);
  try {
    const headers = { cookie: `${sessionCookieName(false)}=${secret}`, accept: 'text/html' };
    const first = await fetch(`${server.url}/admin`, { headers });
    if (first.status !== 200) throw new Error(`/admin answered ${first.status}`);
    await run({ url: `${server.url}/admin`, headers, connections: 4, duration: 2 });
    const searchUrl = `${server.url}/admin?search=${encodeURIComponent(email)}`;
    // One approver alone (the latency a person sees), then four at once.
    for (const connections of [1, 4]) {
      const queue = await run({ url: `${server.url}/admin`, headers, connections, duration: seconds });
      const search = await run({ url: searchUrl, headers, connections, duration: seconds });
      line(`queue, first page (GET /admin, ${connections} connection(s))`, figures(queue));
      line(`queue, search by email (${connections} connection(s))`, figures(search));
    }
  } finally {
    await server.stop();
  }
}
