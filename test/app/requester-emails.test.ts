// The emails a requester gets: one per (request, event) however often the job runs, given
// back when the mail server refuses; and every name escaped in HTML, bidi controls removed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changeStatus } from '../../src/app/change-status.ts';
import { decideRequest } from '../../src/app/decide-request.ts';
import { notifyRequester } from '../../src/app/notify-requester.ts';
import { requesterEmail } from '../../src/app/requester-email.ts';
import { verificationEmail } from '../../src/app/verification-email.ts';
import type { MailMessage } from '../../src/ports.ts';
import { provisioningHarness } from './provisioning-harness.ts';

const APPROVER = { kind: 'token', name: 'approver' } as const;
const branding = { organizationName: 'Contoso', appName: 'Project X' };

async function pendingApproval(h: Awaited<ReturnType<typeof provisioningHarness>>) {
  const { submitRequest } = await import('../../src/app/submit-request.ts');
  return submitRequest(h.deps, {
    email: 'pat@fabrikam.com',
    firstName: 'Pat',
    lastName: 'Doe',
    actor: APPROVER,
    verified: true,
  });
}

test('a rejection email goes once, even when its job runs twice or two jobs race', async (t) => {
  const h = await provisioningHarness();
  t.after(() => h.close());
  const request = await pendingApproval(h);
  await decideRequest(h.deps, { id: request.id, actor: APPROVER, decision: 'reject', reason: 'No budget.' });
  const jobs = (await h.db.jobs.listJobs(request.id)).filter((job) => job.kind === 'notify_requester');
  assert.equal(jobs.length, 1, 'queued with the decision, in its transaction');
  const sent: MailMessage[] = [];
  const deps = {
    ...h.deps,
    mailer: { send: async (m: MailMessage) => void sent.push(m) },
    branding,
    publicUrl: 'https://gl.test',
    appUrl: 'https://app.contoso.com',
  };
  await Promise.all([notifyRequester(deps, request.id), notifyRequester(deps, request.id)]);
  await notifyRequester(deps, request.id);
  assert.equal(sent.length, 1);
  assert.match(sent[0]!.subject, /Your request for Project X was not approved/);
  assert.doesNotMatch(sent[0]!.text, /No budget/, 'not shared');
  assert.match(sent[0]!.text, /See your request: https:\/\/gl\.test\/status\?token=gls_/);
});

test('a refused send is given back: the retry sends it, once', async (t) => {
  const h = await provisioningHarness();
  t.after(() => h.close());
  const request = await pendingApproval(h);
  await decideRequest(h.deps, { id: request.id, actor: APPROVER, decision: 'reject', reason: 'x', shareReason: true });
  h.failMail(1);
  await h.drain({ horizonMs: 60 * 60_000 });
  assert.equal(h.notices.length, 1);
  assert.match(h.notices[0]!.text, /The reason given: x/);
  assert.deepEqual(await h.db.store.listRequesterNotices(request.id), ['reject']);
});

test('an invitation not redeemed in time expires, and the requester is told; a failure too', async (t) => {
  const h = await provisioningHarness();
  t.after(() => h.close());
  const id = await h.approved();
  await h.drain();
  assert.equal(await h.status(id), 'invited');
  assert.deepEqual(
    h.notices.map((m) => m.subject),
    ['Your request for Project X was approved'],
    'the decision is told at once; the invitation follows',
  );
  assert.match(h.notices[0]!.text, /You will get one more email when it is ready/);
  h.clock.advance(31 * 86_400_000);
  await h.drain({ includeRedemption: true, horizonMs: 0 });
  assert.equal(await h.status(id), 'expired');
  assert.equal(h.notices.length, 2);
  assert.match(h.notices[1]!.text, /The invitation to Project X was not accepted in time/);

  const other = await h.approved('sam@fabrikam.com');
  const approved = (await h.db.store.getRequest(other))!;
  await changeStatus(h.deps, { request: approved, event: { type: 'fail', reason: 'Graph' }, actor: APPROVER });
  await h.drain({ horizonMs: 0 });
  assert.match(h.notices.at(-1)!.text, /Contoso has been told/);
  assert.doesNotMatch(h.notices.at(-1)!.text, /Graph/);
});

test('someone who already had an account is told they have access (no invitation comes); an invitee who redeemed is not', async (t) => {
  const h = await provisioningHarness();
  t.after(() => h.close());
  h.directory.addUser({ id: 'member', mail: 'mia@fabrikam.com', userType: 'Member', externalUserState: null });
  const member = await h.approved('mia@fabrikam.com');
  const invitee = await h.approved('ivo@fabrikam.com');
  await h.drain();
  assert.equal(await h.status(member), 'active');
  assert.equal(await h.status(invitee), 'invited');
  assert.deepEqual(
    h.notices.map((m) => [m.to[0], m.subject]).filter(([, subject]) => !/was approved$/.test(subject!)),
    [['mia@fabrikam.com', 'You have access to Project X']],
  );
  assert.equal(h.notices.filter((m) => /was approved$/.test(m.subject)).length, 2, 'each approval told once');
  assert.match(
    h.notices.find((m) => m.subject === 'You have access to Project X')!.text,
    /sign in with this email address at https:\/\/app\.contoso\.com/,
  );
});

const HOSTILE = [
  ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'],
  ['Eve\u202Eexe.pdf', 'Smith\u2066\u2069\u200F'],
] as const;

test('names in the verification email: escaped in HTML, bidi controls removed in both parts', () => {
  const message = verificationEmail({
    to: 'owner@fabrikam.com',
    branding,
    validForMs: 3_600_000,
    entries: HOSTILE.map(([firstName, lastName], i) => ({
      firstName,
      lastName,
      confirmUrl: `https://gl.test/verify?token=a${i}&x="y"`,
      statusUrl: `https://gl.test/status?token=b${i}`,
    })),
  });
  const html = message.html ?? '';
  assert.doesNotMatch(html, /<script>|<img/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(html, /href="https:\/\/gl\.test\/verify\?token=a0&amp;x=&quot;y&quot;"/);
  for (const part of [message.text, html]) {
    assert.doesNotMatch(part, /[\u202a-\u202e\u2066-\u2069\u200e\u200f]/u);
    assert.match(part, /Eveexe\.pdf Smith/);
  }
  assert.match(message.text, /asked Contoso for access to Project X/);
  assert.match(
    message.text,
    /2 requests were made with it; each link below confirms only the request it is listed with/,
  );
});

test('names in a requester email: escaped, bidi removed; the shared reason escaped too', () => {
  const message = requesterEmail({
    to: 'pat@fabrikam.com',
    firstName: '<b>Pat\u202E</b>',
    branding,
    notice: { event: 'reject', sharedReason: '<a href="x">see</a>' },
    statusUrl: 'https://gl.test/status?token=t',
  });
  assert.match(message.html ?? '', /Hello &lt;b&gt;Pat&lt;\/b&gt;,/);
  assert.match(
    message.html ?? '',
    /The reason given:<\/p><blockquote[^>]*><bdi>&lt;a href=&quot;x&quot;&gt;see&lt;\/a&gt;<\/bdi>/,
  );
  assert.doesNotMatch(message.text, /\u202E/u);
  assert.ok(message.text && message.html, 'text and HTML parts');
});

test("the emails name the request's own app from the catalogue, escaped in HTML", async (t) => {
  const h = await provisioningHarness();
  t.after(() => h.close());
  const request = await pendingApproval(h);
  await decideRequest(h.deps, { id: request.id, actor: APPROVER, decision: 'reject', reason: 'No.' });
  const sent: MailMessage[] = [];
  const asked: string[] = [];
  const catalogue = {
    get: async (id: string) => {
      asked.push(id);
      return { name: 'Payroll <beta>', redirectUrl: 'https://payroll.contoso.com' };
    },
  } as unknown as import('../../src/app/app-catalogue.ts').Catalogue;
  await notifyRequester(
    {
      ...h.deps,
      mailer: { send: async (m: MailMessage) => void sent.push(m) },
      branding,
      catalogue,
      publicUrl: 'https://gl.test',
      appUrl: 'https://app.contoso.com',
    },
    request.id,
  );
  assert.deepEqual(asked, ['default'], 'the request made before the catalogue belongs to the default app');
  assert.equal(sent[0]!.subject, 'Your request for Payroll <beta> was not approved');
  assert.match(sent[0]!.html ?? '', /access to Payroll &lt;beta&gt;/);
});
