// Sandbox mode across a restart, as an administrator does it: approve a request until
// `invited`, stop the server, start it again on the same data dir. The emulated directory
// comes back with it, so the scheduled redemption check still finds the guest (and does
// not revoke the request), the app group is the same, and the redeem link from the old
// invitation email still works and makes the request `active`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Runtime } from '../../src/main.ts';
import { adminApi, startSandboxGuestlist, until } from '../helpers/sandbox.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'gl-e2e-restart-'));
const running: Runtime[] = [];
after(async () => {
  for (const runtime of running) await runtime.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<Runtime> {
  const runtime = await startSandboxGuestlist(dir);
  running.push(runtime);
  return runtime;
}

test('after a restart an invited request is not revoked, and the old redeem link makes it active', async () => {
  const first = await start();
  let api = await adminApi(first, 'before-restart');
  const submitted = await api('POST', '/api/v1/access-requests', {
    email: 'dana@fabrikam.com',
    firstName: 'Dana',
    lastName: 'Scully',
  });
  assert.equal(submitted.status, 202);
  const id = submitted.body.id as string;
  assert.equal((await api('POST', `/api/v1/access-requests/${id}/approve`, {})).status, 200);
  const invited = await until(
    () => api('GET', `/api/v1/access-requests/${id}`),
    (r) => r.body.status === 'invited',
  );
  assert.equal(invited.body.status, 'invited', JSON.stringify(invited.body));
  const guestId = invited.body.directoryUserId as string;
  const groupIds = first.sandbox!.groupIds;
  const redeemLink = (r: { body: Record<string, unknown> }) =>
    (r.body.items as Array<{ source: string; links: string[] }>)
      .find((m) => m.source === 'guestlist' && m.links.some((l) => l.includes('/sandbox/redeem')))
      ?.links.find((l) => l.startsWith(`${first.config.publicUrl}/sandbox/redeem`));
  const link = redeemLink(
    await until(
      () => api('GET', '/api/v1/sandbox/messages'),
      (r) => redeemLink(r) !== undefined,
    ),
  );
  assert.ok(link, 'an invitation email with a redeem link');
  await first.stop();

  const second = await start();
  api = await adminApi(second, 'after-restart');
  const emulator = second.sandbox!.emulator;
  assert.deepEqual(second.sandbox!.groupIds, groupIds, 'the same app group');
  assert.ok(emulator.groupMembers(groupIds[0]!).includes(guestId), 'still a member of it');
  assert.equal(emulator.getUser(guestId)?.externalUserState, 'PendingAcceptance');

  // Wait for the redemption check to look the guest up in the restarted directory (it
  // may already have done so once during start-up; it keeps checking while `invited`).
  const looked = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000);
    emulator.onRequest((event) => {
      if (event.method === 'GET' && event.path === `/v1.0/users/${guestId}`) {
        clearTimeout(timer);
        resolve(true);
      }
    });
  });
  const checked = await api('GET', `/api/v1/access-requests/${id}`);
  assert.equal(checked.body.status, 'invited', 'the check found the guest and did not revoke the request');
  assert.ok(looked, 'the redemption check ran after the restart');

  const messages = await api('GET', '/api/v1/sandbox/messages');
  assert.ok(
    (messages.body.items as Array<{ source: string; links: string[] }>).some(
      (m) => m.source === 'guestlist' && m.links.includes(link),
    ),
    'the invitation email is still listed',
  );

  // The link in the first run's email, opened against the restarted server.
  const landing = await fetch(link.replace(first.config.publicUrl, second.url!), { redirect: 'manual' });
  assert.equal(landing.status, 302);
  assert.equal(landing.headers.get('location'), `${second.config.publicUrl}/welcome`);
  const active = await until(
    () => api('GET', `/api/v1/access-requests/${id}`),
    (r) => r.body.status === 'active',
  );
  assert.equal(active.body.status, 'active', JSON.stringify(active.body));
});
