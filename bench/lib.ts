// Shared pieces of the benchmarks: seeding approved requests, running `guestlist worker`
// processes against an emulator, waiting, and percentiles. Benchmarks print figures;
// nothing here asserts a speed.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Database } from '../src/adapters/store/index.ts';
import { decideRequest } from '../src/app/decide-request.ts';
import { submitRequest } from '../src/app/submit-request.ts';
import type { Status } from '../src/domain/lifecycle.ts';
import type { Emulator } from '../src/emulator/index.ts';
import { systemClock } from '../src/main.ts';

export const ROLES = ['User.Invite.All', 'User.Read.All', 'GroupMember.ReadWrite.All'];
const BIN = path.resolve(import.meta.dirname, '../bin/guestlist.js');

/** Submits (as an admin, so verified) and approves `count` requests; returns their ids. */
export async function seedApproved(db: Database, count: number, prefix: string): Promise<string[]> {
  const deps = { store: db.store, clock: systemClock, ids: { next: randomUUID } };
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    // Every tenth address carries an apostrophe: the OData escaping is on the hot path too.
    const local = i % 10 === 0 ? `o'${prefix}${i}` : `${prefix}${i}`;
    const request = await submitRequest(deps, {
      email: `${local}@fabrikam.test`,
      firstName: 'Bench',
      lastName: `Guest ${i}`,
      actor: { kind: 'token', name: 'bench' },
      verified: true,
    });
    await decideRequest(deps, { id: request.id, actor: { kind: 'token', name: 'bench' }, decision: 'approve' });
    ids.push(request.id);
  }
  return ids;
}

/**
 * The environment that points a Guestlist process at the emulator, with `groups` fresh
 * groups in GUESTLIST_GROUP_IDS. SMTP_URL is required with Azure credentials; in
 * `guestlist` mode the worker sends its invitation emails there, so pass a sink's URL
 * (smtp-sink.ts) in `extra` unless the run must not count them.
 */
export function workerEnv(
  emulator: Emulator,
  databaseUrl: string,
  extra: Record<string, string> = {},
  groups = 1,
): NodeJS.ProcessEnv {
  const app = emulator.registerApp({ roles: ROLES });
  const groupIds = Array.from(
    { length: groups },
    (_, i) => emulator.addGroup({ displayName: `Bench app ${i + 1}` }).id,
  );
  return {
    PATH: process.env.PATH,
    DATABASE_URL: databaseUrl,
    AZURE_TENANT_ID: emulator.tenantId,
    AZURE_CLIENT_ID: app.clientId,
    AZURE_CLIENT_SECRET: app.clientSecret,
    AZURE_AUTHORITY_HOST: emulator.url,
    GUESTLIST_GRAPH_URL: emulator.url,
    GUESTLIST_APP_URL: 'https://app.contoso.test/',
    GUESTLIST_GROUP_IDS: groupIds.join(','),
    NODE_EXTRA_CA_CERTS: emulator.caPath,
    // Benchmark requests are submitted by an admin, so no verification email is sent; a
    // closed port here makes every Guestlist invitation email fail (and be retried).
    SMTP_URL: 'smtp://127.0.0.1:9',
    GUESTLIST_PUBLIC_URL: 'https://guestlist.contoso.test',
    GUESTLIST_MAIL_FROM: 'access@contoso.test',
    LOG_LEVEL: 'warn',
    ...extra,
    // BENCH_WORKER_ENV="GUESTLIST_WORKER_CONCURRENCY=32 …": settings to try, for investigation.
    ...benchWorkerEnv(),
  };
}

/** Starts `guestlist worker`; its log (stdout, JSON lines) goes to `logPath` when given. */
/** BENCH_WORKER_ENV="NAME=value NAME=value": worker settings to try while investigating. */
export function benchWorkerEnv(): Record<string, string> {
  const pairs = (process.env.BENCH_WORKER_ENV ?? '').split(/\s+/).filter((pair) => pair.includes('='));
  return Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

export function startWorker(env: NodeJS.ProcessEnv, label: string, logPath?: string): ChildProcess {
  const stdout = logPath ? openSync(logPath, 'a') : 'ignore';
  const child = spawn(process.execPath, [BIN, 'worker'], { env, stdio: ['ignore', stdout, 'pipe'] });
  if (typeof stdout === 'number') closeSync(stdout);
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    if (/error|fatal/i.test(text)) process.stderr.write(`[${label}] ${text}`);
  });
  return child;
}

export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export async function countByStatus(db: Database, ids: string[]): Promise<Map<Status, number>> {
  const counts = new Map<Status, number>();
  for (const id of ids) {
    const status = (await db.store.getRequest(id))?.status;
    if (status) counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  return counts;
}

/**
 * Counts requests by status in one query on its own read-only connection: the benchmarks
 * poll while they measure, and reading each request through the store (1,000 queries
 * every half second) would take CPU from the worker being measured.
 */
export function sqliteStatusCounter(file: string): { count(): Map<Status, number>; close(): void } {
  const sqlite = new DatabaseSync(file, { readOnly: true });
  const query = sqlite.prepare('select status, count(*) as n from access_requests group by status');
  return {
    count: () => new Map(query.all().map((row) => [row.status as Status, Number(row.n)])),
    close: () => sqlite.close(),
  };
}

export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return check();
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** Invitations per address, from the emulator's log: how many were accepted (201) and emailed. */
export function invitationTally(emulator: Emulator): Map<string, { created: number; emailed: number }> {
  const tally = new Map<string, { created: number; emailed: number }>();
  for (const entry of emulator.invitations.list()) {
    const body = entry.body as { invitedUserEmailAddress?: string; sendInvitationMessage?: boolean };
    const email = String(body.invitedUserEmailAddress).toLowerCase();
    const row = tally.get(email) ?? { created: 0, emailed: 0 };
    if (entry.status === 201) {
      row.created++;
      if (body.sendInvitationMessage) row.emailed++;
    }
    tally.set(email, row);
  }
  return tally;
}

export function mailboxTally(emulator: Emulator): Map<string, number> {
  const tally = new Map<string, number>();
  for (const mail of emulator.mailbox.list()) {
    for (const to of mail.to) tally.set(to.toLowerCase(), (tally.get(to.toLowerCase()) ?? 0) + 1);
  }
  return tally;
}

export function line(label: string, value: string): void {
  process.stdout.write(`${label.padEnd(58)} ${value}\n`);
}
