// The audit trail (page and CSV), hostile input rendered inert everywhere the console shows
// it, and the sandbox mailbox.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { csvCell, csvRecord } from '../../../src/http/web/admin/audit/csv.ts';
import { signIn, testApp } from '../../helpers/app.ts';
import { webClient } from '../../helpers/web.ts';
import { person, stored } from './fixtures.ts';

const HOSTILE = {
  firstName: '<script>alert(1)</script>',
  lastName: '"><img src=x onerror=alert(2)>',
  email: '"><svg onload=alert(3)>@evil.example',
};
/** A right-to-left override: "Ada\u202Efdp.exe" shows as "Adaexe.pdf" unless isolated. */
const BIDI = 'Ada\u202Efdp.exe';

function assertInert(body: string) {
  assert.doesNotMatch(body, /<script>alert/);
  assert.doesNotMatch(body, /<img src=x/);
  assert.doesNotMatch(body, /<svg onload/);
  assert.match(body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(body, /&quot;&gt;&lt;img src=x onerror=alert\(2\)&gt;/);
}

describe('CSV cells', () => {
  test('are quoted (RFC 4180), quotes doubled, records end with CRLF', () => {
    assert.equal(csvRecord(['a', 'say "hi"', 'x,y', 'two\nlines', null]), '"a","say ""hi""","x,y","two\nlines",""\r\n');
  });

  test('that a spreadsheet would run as a formula get a leading apostrophe', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      assert.equal(csvCell(`${start}HYPERLINK("http://evil")`), `"'${start}HYPERLINK(""http://evil"")"`);
    }
    assert.equal(csvCell('a=1'), '"a=1"', 'only at the start');
    assert.equal(csvCell('2026-03-01'), '"2026-03-01"');
  });
});

test('hostile names and addresses render as inert text in the queue, the request page and the audit trail', async (t) => {
  const app = await testApp();
  t.after(() => app.close());
  const hostile = await stored(app.db.store, HOSTILE);
  const bidi = await stored(app.db.store, { firstName: BIDI, lastName: 'Lovelace', email: 'bidi@fabrikam.com' });
  const admin = webClient(app.app);
  await signIn(app, admin, 'admin');
  const queue = (await admin.get('/admin')).body;
  assertInert(queue);
  assert.match(queue, /<bdi>Ada\u202Efdp.exe Lovelace<\/bdi>/, 'isolated, so it cannot reorder what follows');
  const page = await admin.get(`/admin/requests/${hostile.id}`);
  assertInert(page.body);
  assert.match(page.body, /<title>&lt;script&gt;/);
  assert.match((await admin.get(`/admin/requests/${bidi.id}`)).body, /<h1><bdi>Ada\u202Efdp.exe Lovelace<\/bdi><\/h1>/);
  await admin.get(`/admin/requests/${hostile.id}`);
  await admin.post(`/admin/requests/${hostile.id}/reject`, { reason: '<b>no</b> =cmd|" /C calc"!A0' });
  const audit = (await admin.get('/admin/audit')).body;
  assert.doesNotMatch(audit, /<svg onload|<b>no/);
  assert.match(audit, /&lt;b&gt;no&lt;\/b&gt;/);
});

test('the audit trail: newest first, filtered by actor, action and dates, paged; the CSV has the same, neutralised', async (t) => {
  const app = await testApp();
  t.after(() => app.close());
  const admin = webClient(app.app);
  await signIn(app, admin, 'admin', person('Alice Admin'));
  const hostile = await stored(app.db.store, { ...HOSTILE, email: '=cmd@evil.example' });
  const plain = await stored(app.db.store, { email: 'ada@fabrikam.com' });
  await admin.get(`/admin/requests/${hostile.id}`);
  await admin.post(`/admin/requests/${hostile.id}/reject`, { reason: '=HYPERLINK("http://evil","x")' });
  app.clock.advance(2 * 86_400_000);
  await signIn(app, admin, 'admin', person('Alice Admin')); // the session has ended meanwhile
  await admin.get(`/admin/requests/${plain.id}`);
  await admin.post(`/admin/requests/${plain.id}/approve`, { comment: '+1 known partner' });

  const all = (await admin.get('/admin/audit')).body;
  const order = [...all.matchAll(/<td>(submit|reject|approve)<\/td>/g)].map((m) => m[1]);
  assert.deepEqual(order, ['approve', 'reject', 'submit', 'submit'], 'newest first');

  const rejects = (await admin.get('/admin/audit?action=reject')).body;
  assert.deepEqual(
    [...rejects.matchAll(/<td>(\w+)<\/td>/g)].map((m) => m[1]),
    ['reject'],
  );
  const byAlice = (await admin.get('/admin/audit?actor=alice')).body;
  assert.equal([...byAlice.matchAll(/<td>(submit|reject|approve)<\/td>/g)].length, 2);
  const firstDay = (await admin.get('/admin/audit?from=2026-03-01&to=2026-03-01')).body;
  assert.deepEqual(
    [...firstDay.matchAll(/<td>(submit|reject|approve)<\/td>/g)].map((m) => m[1]),
    ['reject', 'submit', 'submit'],
  );

  const bad = await admin.get('/admin/audit?from=2026-13-45&action=nonsense');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /id="field-from-error">Enter a date as YYYY-MM-DD/);
  assert.match(bad.body, /id="field-action-error">Choose one of the actions/);

  const csv = await admin.get('/admin/audit.csv?action=reject');
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /^text\/csv/);
  assert.match(
    String(csv.headers['content-disposition']),
    /^attachment; filename="guestlist-audit-\d{4}-\d\d-\d\d\.csv"$/,
  );
  const lines = csv.body.split('\r\n');
  assert.equal(lines[0], '"at","actor","action","request id","email","from","to","reason"');
  assert.equal(lines.length, 3, 'header, one entry, and the final CRLF');
  assert.match(
    lines[1]!,
    /,"reject","[0-9a-f-]{36}","'=cmd@evil.example","pending_approval","rejected","'=HYPERLINK\(""http:\/\/evil"",""x""\)"$/,
  );
  const approveCsv = (await admin.get('/admin/audit.csv?action=approve')).body;
  assert.match(approveCsv, /"'\+1 known partner"/);
  assert.equal((await admin.get('/admin/audit.csv?to=yesterday')).statusCode, 400);
});

test('the audit trail pages 50 at a time', async (t) => {
  const app = await testApp();
  t.after(() => app.close());
  // Decided requests: one audit entry each (a pending one also has its stage's).
  for (let i = 0; i < 52; i++) await stored(app.db.store, { status: 'rejected' });
  const admin = webClient(app.app);
  await signIn(app, admin, 'admin');
  const first = (await admin.get('/admin/audit')).body;
  assert.equal([...first.matchAll(/<td>submit<\/td>/g)].length, 50);
  const older = /<a href="([^"]+)">Older entries<\/a>/.exec(first)?.[1]?.replaceAll('&amp;', '&');
  assert.ok(older);
  const second = (await admin.get(older)).body;
  assert.equal([...second.matchAll(/<td>submit<\/td>/g)].length, 2);
  assert.match(second, /Newest entries/);
  assert.equal((await app.db.queries.listAuditTrail({ limit: 200 })).items.length, 52);
});

test('the sandbox mailbox lists every email, newest first, with its text and clickable links', async (t) => {
  const app = await testApp({
    sandbox: {
      graphMail: () => [
        {
          id: 'g1',
          source: 'graph',
          from: 'invites@microsoft.com',
          to: ['ada@fabrikam.com'],
          subject: 'You are invited to Contoso',
          text: 'Accept: http://localhost:3000/sandbox/redeem?ticket=abc',
          links: ['http://localhost:3000/sandbox/redeem?ticket=abc', 'javascript:alert(1)'],
          sentAt: new Date('2026-03-01T10:00:00.000Z'),
        },
      ],
      redeem: () => null,
    },
  });
  t.after(() => app.close());
  await app.db.store.insertSandboxMessage({
    id: 'm1',
    source: 'guestlist',
    from: 'guestlist@contoso.com',
    to: ['ada@fabrikam.com'],
    subject: 'Confirm your address <now>',
    text: 'Confirm: http://localhost:3000/verify?token=glv_x',
    html: null,
    links: ['http://localhost:3000/verify?token=glv_x'],
    sentAt: new Date('2026-03-01T09:00:00.000Z'),
  });
  const admin = webClient(app.app);
  await signIn(app, admin, 'admin');
  const page = await admin.get('/admin/mailbox');
  assert.equal(page.statusCode, 200);
  const subjects = [...page.body.matchAll(/<summary><strong>([^<]+)<\/strong>/g)].map((m) => m[1]);
  assert.deepEqual(subjects, ['You are invited to Contoso', 'Confirm your address &lt;now&gt;']);
  assert.match(page.body, /<a href="http:\/\/localhost:3000\/sandbox\/redeem\?ticket=abc">/);
  assert.match(page.body, /<a href="http:\/\/localhost:3000\/verify\?token=glv_x">/);
  assert.doesNotMatch(page.body, /href="javascript:/);
  assert.match(page.body, /<a href="\/admin\/mailbox" aria-current="page">Sandbox mailbox<\/a>/);

  const outside = await testApp();
  t.after(() => outside.close());
  const other = webClient(outside.app);
  await signIn(outside, other, 'admin');
  assert.equal((await other.get('/admin/mailbox')).statusCode, 404, 'no mailbox outside the sandbox');
});
