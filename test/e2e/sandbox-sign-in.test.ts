// `npm start`'s wiring of staff sign-in (main.ts): in sandbox mode "Sign in with Microsoft"
// goes to the in-process emulator and back over real HTTP, the cookie-signing key is kept
// in the database (the same after a restart, so an attempt under way survives one).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Runtime } from '../../src/main.ts';
import { hop, parsePage } from '../emulator/sign-in-helpers.ts';
import { startSandboxGuestlist } from '../helpers/sandbox.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'gl-e2e-signin-'));
const running: Runtime[] = [];
after(async () => {
  for (const runtime of running) await runtime.stop();
  rmSync(dir, { recursive: true, force: true });
});

function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

test('sandbox mode: sign in as the approver through the emulator; the key survives a restart', async () => {
  const first = await startSandboxGuestlist(dir);
  running.push(first);
  const start = await fetch(`${first.url}/auth/signin/microsoft?next=/admin`, { redirect: 'manual' });
  assert.equal(start.status, 303);
  const authorize = start.headers.get('location')!;
  assert.ok(authorize.startsWith(first.sandbox!.emulator.url), authorize);
  const attemptCookie = cookiesOf(start);
  assert.match(attemptCookie, /^guestlist-signin=/);
  const key = await first.db.serverSecrets.getOrCreate('cookie-signing-key', 'not this one');
  assert.notEqual(key, 'not this one');
  await first.stop();

  // Restarted on the same data dir: the same key, so the attempt cookie still opens.
  const second = await startSandboxGuestlist(dir);
  running.push(second);
  assert.equal(await second.db.serverSecrets.getOrCreate('cookie-signing-key', 'x'), key);
  // The old attempt cookie still opens (its state is read: a wrong one is "not this sign-in",
  // not "no sign-in"); the emulator is new, though (a new app), so sign in afresh.
  const stale = await fetch(`${second.url}/auth/callback?code=x&state=wrong`, {
    redirect: 'manual',
    headers: { cookie: attemptCookie, accept: 'text/html' },
  });
  assert.equal(stale.status, 400);
  assert.match(await stale.text(), /does not belong to the sign-in started here/);
  const again = await fetch(`${second.url}/auth/signin/microsoft`, { redirect: 'manual' });
  const emulator = second.sandbox!.emulator;
  const page = parsePage((await hop(emulator, again.headers.get('location')!)).text);
  const account = [...page.accounts].find(([label]) => label.startsWith('Alex Wilber'))![1];
  const back = new URL((await hop(emulator, page.action, { flow: page.flow, account })).location!);
  assert.equal(back.pathname, '/auth/callback');
  const callback = await fetch(`${second.url}${back.pathname}${back.search}`, {
    redirect: 'manual',
    headers: { cookie: cookiesOf(again) },
  });
  assert.equal(callback.status, 303, await callback.text());
  assert.equal(callback.headers.get('location'), '/admin');
  const session = callback.headers.getSetCookie().find((c) => c.startsWith('guestlist-session='));
  assert.ok(session);
  assert.match(session, /HttpOnly/);
  assert.match(session, /SameSite=Lax/);
  assert.doesNotMatch(session, /Secure/);
});
