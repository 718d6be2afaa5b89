// Drives a production install (.ci/production-check made it): `guestlist serve` as the
// container starts it, the Dockerfile's own HEALTHCHECK command, then one request from
// the public form's API to `invited` — verified by the link in the sandbox mailbox,
// approved with an approver token from `guestlist token create` — and SIGTERM, exit 0.
// Node built-ins only: this script must not need what it is checking is absent.
//   node .ci/production-flow.ts APP_DIR DATA_DIR
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const [app, data] = process.argv.slice(2);
if (!app || !data) throw new Error('usage: node .ci/production-flow.ts APP_DIR DATA_DIR');

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
// What the image sets, and nothing inherited from CI (no DATABASE_URL, no Azure settings).
const env = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/tmp',
  NODE_ENV: 'production',
  HOST: '0.0.0.0',
  PORT: String(port),
  GUESTLIST_DATA_DIR: data,
  GUESTLIST_SANDBOX_LAG_SECONDS: '1',
  LOG_LEVEL: 'info',
};
const step = (what: string) => process.stdout.write(`production-check: ${what}\n`);

let output = '';
const server: ChildProcess = spawn(process.execPath, ['bin/guestlist.js', 'serve'], { cwd: app, env });
server.stdout?.on('data', (chunk) => {
  output += chunk;
});
server.stderr?.on('data', (chunk) => {
  output += chunk;
});
const exited = new Promise<number | null>((done) => server.once('exit', (code) => done(code)));

try {
  step(`serve (sandbox mode) on 0.0.0.0:${port}, data in ${data}`);
  await until('/readyz answers 200', async () => (await fetch(`${base}/readyz`).catch(() => null))?.status === 200);

  step("the Dockerfile's HEALTHCHECK command");
  const healthcheck = /HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])/.exec(readFileSync(path.join(app, 'Dockerfile'), 'utf8'));
  if (!healthcheck) throw new Error('no HEALTHCHECK ... CMD [...] in the Dockerfile');
  const [, ...healthArgs] = JSON.parse(healthcheck[1]!) as string[];
  execFileSync(process.execPath, healthArgs, { env, stdio: 'inherit', timeout: 10_000 });

  step('tokens from the CLI: admin (sandbox mailbox), approver (the decision)');
  const admin = cli(['token', 'create', 'production-check-admin', '--role', 'admin']);
  const approver = cli(['token', 'create', 'production-check-approver', '--role', 'approver']);
  const api = async (method: string, url: string, token: string | null, body?: object) => {
    const res = await fetch(`${base}/api/v1${url}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  step('an anonymous request');
  const email = 'production-check@fabrikam.example';
  const submitted = await api('POST', '/access-requests', null, { email, firstName: 'Pro', lastName: 'Duction' });
  if (submitted.status !== 202) throw new Error(`submission answered ${submitted.status}`);
  const id = String(submitted.body.id);

  step('its verification link, from the sandbox mailbox, confirmed as a browser does');
  const link = await until('the verification email', async () => {
    const { body } = await api('GET', '/sandbox/messages', admin);
    const items = body.items as Array<{ to: string[]; links: string[] }>;
    return items.find((m) => m.to.includes(email))?.links.find((l) => l.includes('/verify?token='));
  });
  const token = new URL(link).searchParams.get('token') ?? '';
  const shown = await fetch(`${base}/verify?token=${encodeURIComponent(token)}`);
  const cookie = shown.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await shown.text())?.[1] ?? '';
  const confirmed = await fetch(`${base}/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ token, _csrf: csrf }).toString(),
  });
  if (confirmed.status !== 200) throw new Error(`confirming answered ${confirmed.status}`);

  step('approved with the approver token');
  await until(
    'pending_approval',
    async () => (await api('GET', `/access-requests/${id}`, approver)).body.status === 'pending_approval',
  );
  const approved = await api('POST', `/access-requests/${id}/approve`, approver, {});
  if (approved.status !== 200)
    throw new Error(`approval answered ${approved.status}: ${JSON.stringify(approved.body)}`);

  step('provisioned by the worker against the emulator');
  await until('invited', async () => (await api('GET', `/access-requests/${id}`, approver)).body.status === 'invited');
  await until('the invitation email', async () => {
    const { body } = await api('GET', '/sandbox/messages', admin);
    return (body.items as Array<{ to: string[]; links: string[] }>).some(
      (m) => m.to.includes(email) && m.links.some((l) => l.includes('/sandbox/redeem')),
    );
  });
  for (const secret of [admin, approver, token]) {
    if (output.includes(secret)) throw new Error('a token reached the server log');
  }

  step('SIGTERM');
  server.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((done) => setTimeout(done, 30_000, 'timeout').unref());
  const code = await Promise.race([exited, timeout]);
  if (code !== 0) throw new Error(`serve ended with ${code} after SIGTERM`);
} catch (error) {
  server.kill('SIGKILL');
  await exited;
  process.stderr.write(`production-check failed: ${(error as Error).message}\n--- server output ---\n${output}\n`);
  process.exit(1);
}

function cli(args: string[]): string {
  return execFileSync(process.execPath, ['bin/guestlist.js', ...args], { cwd: app, env, encoding: 'utf8' }).split(
    '\n',
  )[0]!;
}

/** Polls `check` until it returns something truthy; fails after a minute, or if serve exits. */
async function until<T>(what: string, check: () => Promise<T | undefined | false | null>): Promise<T> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`serve exited (${server.exitCode}) while waiting for ${what}`);
    const found = await check().catch(() => undefined);
    if (found) return found;
    await sleep(250);
  }
  throw new Error(`no ${what} within 60 s`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}
