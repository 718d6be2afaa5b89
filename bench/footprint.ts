// What Guestlist costs to keep running, and what it writes: start-up to /readyz, resident
// memory (RSS) at rest after 1,000 requests went through to `invited`, and the log lines the
// drain wrote at info. Twice:
//   - sandbox: `npm start` as a newcomer runs it (serve, worker and the in-process emulator);
//   - entra: `guestlist serve` against `guestlist emulator` in another process acting as
//     Entra (SQLite, Guestlist's emails to a local SMTP sink).
// Requests are submitted by an admin token (verified) and approved through the API, ten at
// a time. When RSS is above its target, a heap snapshot is taken (--heapsnapshot-signal)
// and its largest constructors printed (heap-summary.ts). Figures are printed, never asserted.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { summarizeHeap } from './heap-summary.ts';
import { line, stopProcess, waitUntil } from './lib.ts';
import { startSmtpSink } from './smtp-sink.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/guestlist.js');
const TARGET_MB = { sandbox: 120, entra: 90 };

export async function benchFootprint(count = 1000): Promise<void> {
  moduleCosts();
  await sandboxFootprint(count);
  await entraFootprint(count);
}

/**
 * What loading costs before any request: RSS of a fresh Node process after importing one
 * package (or Guestlist's whole composition root), after a GC, against bare Node. Each in its
 * own process, so the figures do not share what two packages load in common.
 */
export function moduleCosts(): void {
  const rss = (imports: string[]) => {
    const script = `${imports.map((m) => `await import(${JSON.stringify(m)});`).join('')}
      globalThis.gc(); await new Promise((r) => setTimeout(r, 200)); globalThis.gc();
      const { rss, heapUsed } = process.memoryUsage(); console.log(JSON.stringify({ rss, heapUsed }));`;
    const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
      cwd: path.resolve(import.meta.dirname, '..'),
      encoding: 'utf8',
    });
    return JSON.parse(run.stdout) as { rss: number; heapUsed: number };
  };
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  const bare = rss([]);
  line('bare node: RSS, heap used', `${mb(bare.rss)}, ${mb(bare.heapUsed)}`);
  const root = path.resolve(import.meta.dirname, '../src');
  for (const [label, imports] of [
    ['fastify', ['fastify']],
    ['@azure/identity', ['@azure/identity']],
    ['@microsoft/microsoft-graph-client', ['@microsoft/microsoft-graph-client']],
    ['openid-client', ['openid-client']],
    ['nodemailer', ['nodemailer']],
    ['pg + kysely', ['pg', 'kysely']],
    ['undici', ['undici']],
    ['prom-client (only with metrics on)', ['prom-client']],
    ['src/main.ts (everything serve loads)', [path.join(root, 'main.ts')]],
    ['src/emulator/index.ts (sandbox only)', [path.join(root, 'emulator/index.ts')]],
  ] as const) {
    const loaded = rss([...imports]);
    line(`  + ${label}`, `RSS +${mb(loaded.rss - bare.rss)}, heap +${mb(loaded.heapUsed - bare.heapUsed)}`);
  }
}

async function sandboxFootprint(count: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-bench-footprint-'));
  try {
    const env = { GUESTLIST_DATA_DIR: dir, DATABASE_URL: `sqlite:${dir}/gl.db` };
    const cold = await serve(env, dir, 'serve-cold.log');
    line(
      'sandbox: start-up to /readyz, first start (CA and tenant made)',
      `${cold.startMs} ms, ${cold.startCpuMs} ms CPU (target ≤ 1000 ms)`,
    );
    await drainAndMeasure('sandbox', cold, env, dir, count);
    await cold.stop();
    const warm = await serve(env, dir, 'serve-warm.log');
    line(
      `sandbox: start-up to /readyz, restart with ${count} requests`,
      `${warm.startMs} ms, ${warm.startCpuMs} ms CPU (target ≤ 1000 ms)`,
    );
    await warm.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function entraFootprint(count: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-bench-footprint-entra-'));
  const smtp = await startSmtpSink();
  const emulatorPort = await freePort();
  const emulator = spawn(
    process.execPath,
    [BIN, 'emulator', '--port', String(emulatorPort), '--data-dir', path.join(dir, 'emulator')],
    { cwd: dir, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    let printed = '';
    emulator.stdout?.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    await waitUntil(async () => printed.includes('GUESTLIST_GROUP_IDS='), 30_000, 50);
    const fromEmulator = Object.fromEntries(
      printed
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const env = {
      ...fromEmulator,
      DATABASE_URL: `sqlite:${dir}/gl.db`,
      GUESTLIST_DATA_DIR: dir,
      SMTP_URL: smtp.url,
      GUESTLIST_APP_URL: 'https://app.contoso.test/',
      GUESTLIST_PUBLIC_URL: 'https://guestlist.contoso.test',
      GUESTLIST_MAIL_FROM: 'access@contoso.test',
    };
    const server = await serve(env, dir, 'serve-entra.log');
    line(
      'entra: start-up to /readyz (serve, SQLite, emulator as Entra)',
      `${server.startMs} ms, ${server.startCpuMs} ms CPU (target ≤ 1000 ms)`,
    );
    await drainAndMeasure('entra', server, env, dir, count);
    await server.stop();
  } finally {
    await stopProcess(emulator);
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Served {
  child: ChildProcess;
  url: string;
  logPath: string;
  startMs: number;
  /** CPU time the process used to get there: on a shared machine, steadier than the wall clock. */
  startCpuMs: number;
  stop(): Promise<void>;
}

/** `guestlist serve` (JSON logs at info to a file), timed from spawn to the first 200 from /readyz. */
async function serve(env: Record<string, string>, dir: string, logName: string): Promise<Served> {
  const port = await freePort();
  const logPath = path.join(dir, logName);
  const log = openSync(logPath, 'a');
  const started = performance.now();
  const child = spawn(process.execPath, ['--heapsnapshot-signal=SIGUSR2', BIN, 'serve'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), LOG_LEVEL: 'info', GUESTLIST_LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', log, log],
  });
  const url = `http://127.0.0.1:${port}`;
  const ready = await waitUntil(
    async () => (await fetch(`${url}/readyz`).catch(() => null))?.status === 200 || child.exitCode !== null,
    30_000,
    10,
  );
  const startMs = Math.round(performance.now() - started);
  if (!ready || child.exitCode !== null) throw new Error(`serve did not start:\n${readFileSync(logPath, 'utf8')}`);
  return { child, url, logPath, startMs, startCpuMs: cpuMsOf(child.pid!), stop: () => stopProcess(child) };
}

async function drainAndMeasure(
  mode: 'sandbox' | 'entra',
  server: Served,
  env: Record<string, string>,
  dir: string,
  count: number,
): Promise<void> {
  const token = spawnSync(process.execPath, [BIN, 'token', 'create', 'bench', '--role', 'admin'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  }).stdout.trim();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const logBefore = readFileSync(server.logPath, 'utf8').split('\n').filter(Boolean).length;
  const drainStarted = performance.now();
  await inBatches(count, 10, async (i) => {
    const submitted = await fetch(`${server.url}/api/v1/access-requests`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ email: `footprint${i}@fabrikam.test`, firstName: 'Foot', lastName: `Print ${i}` }),
    });
    const { id } = (await submitted.json()) as { id: string };
    const approved = await fetch(`${server.url}/api/v1/access-requests/${id}/approve`, {
      method: 'POST',
      headers,
      body: '{}',
    });
    await approved.arrayBuffer();
  });
  const sqlite = new DatabaseSync(`${dir}/gl.db`, { readOnly: true });
  const invited = sqlite.prepare("select count(*) as n from access_requests where status in ('invited', 'active')");
  const due = sqlite.prepare('select count(*) as n from jobs where run_at <= ?');
  const allInvited = await waitUntil(async () => Number(invited.get()?.n) >= count, 600_000, 250);
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  // At rest: nothing due (the invitation emails sent), then a few quiet seconds.
  await waitUntil(async () => Number(due.get(new Date().toISOString())?.n) === 0, 120_000, 250);
  await new Promise((resolve) => setTimeout(resolve, 5000));
  sqlite.close();
  const rssMb = rssOf(server.child.pid!) / 1024;
  line(
    `${mode}: ${count} requests to invited`,
    `${allInvited ? 'yes' : 'NO'} in ${drainSeconds.toFixed(1)} s (submit + approve by API, 10 at a time)`,
  );
  line(`${mode}: RSS at rest after the drain`, `${rssMb.toFixed(0)} MB (target ≤ ${TARGET_MB[mode]} MB)`);
  logVolume(mode, server.logPath, logBefore, count);
  if (rssMb > TARGET_MB[mode]) await heapReport(mode, server.child, dir);
}

/** The drain's log lines at info: how many per request, and which messages. */
function logVolume(mode: string, logPath: string, skip: number, count: number): void {
  const lines = readFileSync(logPath, 'utf8').split('\n').filter(Boolean).slice(skip);
  const byMessage = new Map<string, number>();
  for (const text of lines) {
    const entry = JSON.parse(text) as { msg?: string; event?: string };
    const key = entry.event ? `event ${entry.event}` : (entry.msg ?? '?');
    byMessage.set(key, (byMessage.get(key) ?? 0) + 1);
  }
  line(
    `${mode}: log lines during the drain (info)`,
    `${lines.length} = ${(lines.length / count).toFixed(2)} per request`,
  );
  for (const [message, n] of [...byMessage].sort((a, b) => b[1] - a[1]).slice(0, 8)) line(`    ${message}`, String(n));
}

async function heapReport(mode: string, child: ChildProcess, dir: string): Promise<void> {
  const before = new Set(readdirSync(dir));
  child.kill('SIGUSR2');
  let file = '';
  await waitUntil(
    async () => {
      file = readdirSync(dir).find((name) => name.endsWith('.heapsnapshot') && !before.has(name)) ?? '';
      if (!file) return false;
      const size = statSync(path.join(dir, file)).size;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return size > 0 && statSync(path.join(dir, file)).size === size;
    },
    120_000,
    500,
  );
  line(`${mode}: heap snapshot, largest by constructor (self size)`, file);
  for (const row of summarizeHeap(path.join(dir, file), 12)) {
    line(`    ${row.name}`, `${(row.selfSize / 1024 / 1024).toFixed(1)} MB in ${row.count}`);
  }
}

/** User + system CPU time of a process so far (/proc/PID/stat fields 14 and 15, in clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
}

async function inBatches(count: number, size: number, each: (i: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < count; start += size) {
    await Promise.all(Array.from({ length: Math.min(size, count - start) }, (_, k) => each(start + k)));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
