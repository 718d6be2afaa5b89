// The whole flow in sandbox mode, as a newcomer sees it: the real server, worker, Graph
// adapter and SDKs, against the in-process emulator. Request → approval → invitation
// email → redeem link → landing on the app → `active`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Runtime } from '../../src/main.ts';
import { type Api, adminApi, startSandboxGuestlist, until } from '../helpers/sandbox.ts';

let runtime: Runtime;
let dir: string;
let api: Api;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'gl-e2e-'));
  runtime = await startSandboxGuestlist(dir);
  api = await adminApi(runtime);
});
after(async () => {
  await runtime.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("o'brien asks, is approved, invited once, redeems, lands on the app and becomes active", async () => {
  const submitted = await api('POST', '/api/v1/access-requests', {
    email: " O'Brien@Contoso.com ",
    firstName: 'Pat',
    lastName: "O'Brien",
  });
  assert.equal(submitted.status, 202);
  const id = submitted.body.id as string;
  assert.equal((await api('POST', `/api/v1/access-requests/${id}/approve`, { comment: 'partner' })).status, 200);

  const invited = await until(
    () => api('GET', `/api/v1/access-requests/${id}`),
    (r) => r.body.status === 'invited',
  );
  assert.equal(invited.body.status, 'invited', JSON.stringify(invited.body));
  // The sandbox plays Entra's replication lag (3 s): the group add answered 404 until the
  // new guest replicated, and provisioning waited instead of failing.
  const steps = invited.body.history as Array<{ action: string; at: string }>;
  const at = (action: string) => Date.parse(steps.find((entry) => entry.action === action)!.at);
  assert.ok(at('invite') - at('start_provisioning') >= 3000, JSON.stringify(steps));
  const emulator = runtime.sandbox!.emulator;
  const guest = emulator.getUser(invited.body.directoryUserId as string);
  assert.equal(guest?.mail, "o'brien@contoso.com");
  assert.equal(guest?.displayName, "Pat O'Brien");
  assert.equal(guest?.userType, 'Guest');
  assert.ok(emulator.groupMembers(runtime.sandbox!.groupIds[0]!).includes(guest!.id), 'granted the app group');

  // Guestlist sends the invitation email (GUESTLIST_INVITATION_EMAIL=guestlist), from a job
  // committed with the `invited` transition; Graph is told not to mail.
  type Message = { to: string[]; links: string[]; source: string; subject: string };
  const messages = await until(
    () => api('GET', '/api/v1/sandbox/messages'),
    (r) => (r.body.items as Message[]).some((m) => m.source === 'guestlist' && /invites you/.test(m.subject)),
  );
  const invitations = (messages.body.items as Message[]).filter(
    (m) => m.to.includes("o'brien@contoso.com") && /invit/i.test(m.subject),
  );
  assert.equal(invitations.length, 1, 'exactly one invitation email, counting Graph and Guestlist');
  assert.equal(invitations[0]!.source, 'guestlist');
  const redeem = invitations[0]!.links.find((link) => link.startsWith(`${runtime.config.publicUrl}/sandbox/redeem`));
  assert.ok(redeem, `a redeem link on Guestlist's own origin: ${invitations[0]!.links.join(', ')}`);

  // The redeem link works from a browser: plain http, redirecting to the app.
  const landing = await fetch(redeem.replace(runtime.config.publicUrl, runtime.url!), { redirect: 'manual' });
  assert.equal(landing.status, 302);
  assert.equal(landing.headers.get('location'), `${runtime.config.publicUrl}/welcome`);
  assert.equal(emulator.getUser(guest!.id)?.externalUserState, 'Accepted');
  // Counted again once everything has run: still exactly one invitation email.
  const later = (await api('GET', '/api/v1/sandbox/messages')).body.items as Message[];
  assert.equal(later.filter((m) => m.to.includes("o'brien@contoso.com") && /invit/i.test(m.subject)).length, 1);

  const active = await until(
    () => api('GET', `/api/v1/access-requests/${id}`),
    (r) => r.body.status === 'active',
  );
  assert.equal(active.body.status, 'active');
  const history = (active.body.history as Array<{ action: string; toStatus: string }>).map(
    (h) => `${h.action}:${h.toStatus}`,
  );
  assert.deepEqual(history, [
    'submit:pending_approval',
    // The default policy decides nothing on its own: its one stage begins (app/apply-policy.ts, begin-approval.ts).
    'stage_begun:pending_approval',
    'approve:approved',
    'start_provisioning:provisioning',
    'invite:invited',
    'activate:active',
  ]);
});

test('readiness and the API document are served by the running process', async () => {
  assert.equal((await fetch(`${runtime.url}/readyz`)).status, 200);
  const doc = (await (await fetch(`${runtime.url}/api/v1/openapi.json`)).json()) as { paths: object };
  assert.ok('/api/v1/sandbox/messages' in doc.paths);
});

test('an anonymous request is confirmed from the emailed link and then waits for approval', async () => {
  const submitted = await fetch(`${runtime.url}/api/v1/access-requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'visitor@tailspin.test', firstName: 'Vi', lastName: 'Sitor' }),
  });
  assert.equal(submitted.status, 202);
  const { id, status } = (await submitted.json()) as { id: string; status: string };
  assert.equal(status, 'pending_verification');

  const mail = await until(
    () => api('GET', '/api/v1/sandbox/messages'),
    (r) => (r.body.items as Array<{ to: string[] }>).some((m) => m.to.includes('visitor@tailspin.test')),
  );
  const message = (mail.body.items as Array<{ source: string; to: string[]; subject: string; links: string[] }>).find(
    (m) => m.to.includes('visitor@tailspin.test'),
  );
  assert.equal(message?.source, 'guestlist');
  assert.equal(message?.subject, 'Confirm your email address for the app');
  const link = message?.links.find((l) => l.startsWith(`${runtime.config.publicUrl}/verify?token=`));
  assert.ok(link);

  // As a browser does: open the link (a page with a button and the form's CSRF token), then post it.
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
  assert.equal((await api('GET', `/api/v1/access-requests/${id}`)).body.status, 'pending_approval');
});
