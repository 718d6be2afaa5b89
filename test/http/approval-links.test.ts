// The Approve / Reject links in approvers' emails, as a browser follows them: a table of
// cases (valid, expired, reused, wrong approver, stage already decided, tampered token,
// GET changes nothing, self-approval refused), then the decisions themselves.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newApprovalLink } from '../../src/app/approval-links.ts';
import { decideRequest } from '../../src/app/decide-request.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import { type TestApp, testApp } from '../helpers/app.ts';
import { aStage, planStages } from '../helpers/stages.ts';
import { webClient } from '../helpers/web.ts';

const DAY = 86_400_000;
const MIA = { kind: 'person', email: 'mia@contoso.com' } as const;
const SAM = { kind: 'person', email: 'sam@contoso.com' } as const;

describe('approval links', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  const deps = () => ({ store: t.db.store, clock: t.clock, ids: t.ids });
  let n = 0;
  /** A request at stage 0 of [Manager: Mia, Security: Sam], and a link for `email` at that stage. */
  async function pendingWithLink(email = 'mia@contoso.com', requester?: string) {
    const request = await submitRequest(deps(), {
      email: requester ?? `pat${++n}@fabrikam.com`,
      firstName: 'Pat',
      lastName: `Doe <b>${n}</b>`,
      justification: 'Partner on <script>project</script> X',
      actor: { kind: 'token', name: 'admin' },
      verified: true,
    });
    await planStages(t.db.store, request.id, [
      aStage({
        name: 'Manager',
        approvers: [MIA, ...(requester ? [{ kind: 'person', email: requester } as const] : [])],
      }),
      aStage({ name: 'Security', approvers: [SAM] }),
    ]);
    const url = await newApprovalLink(deps(), {
      requestId: request.id,
      stage: 0,
      round: 0,
      email,
      validForMs: 7 * DAY,
      publicUrl: 'http://localhost:3000',
    });
    const token = new URL(url).searchParams.get('token')!;
    return { request, token, path: `/approval?token=${encodeURIComponent(token)}` };
  }

  const state = async (id: string) => {
    const [request, stage] = await Promise.all([t.db.store.getRequest(id), t.db.store.getApprovalState(id)]);
    return `${request?.status}@${stage?.stage}/${stage?.round}`;
  };

  test('GET shows who asks and a form, escaped, and changes nothing', async () => {
    const { request, path } = await pendingWithLink();
    const browser = webClient(t.app);
    for (let i = 0; i < 3; i++) {
      const page = await browser.get(`${path}&decision=approve`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Approve <bdi>Pat Doe &lt;b&gt;\d+&lt;\/b&gt;<\/bdi>’s request<\/h1>/);
      assert.match(page.body, /Partner on &lt;script&gt;project&lt;\/script&gt; X/);
      assert.match(page.body, /deciding as <bdi>mia@contoso\.com<\/bdi>, at the stage “<bdi>Manager<\/bdi>”/);
      assert.match(page.body, /<form method="post" action="\/approval"/);
    }
    const reject = await browser.get(`${path}&decision=reject`);
    assert.match(reject.body, /name="reason"[^>]*required/);
    assert.match(reject.body, /Share this reason with the requester/);
    assert.equal(await state(request.id), 'pending_approval@0/0');
    assert.equal((await t.db.store.listAudit(request.id)).filter((e) => e.action === 'stage_approved').length, 0);
  });

  test('a valid link approves the stage once, named by its approver; used again it is refused', async () => {
    const { request, token, path } = await pendingWithLink();
    const browser = webClient(t.app);
    await browser.get(path);
    const res = await browser.post('/approval', { token, decision: 'approve', comment: 'Known partner' });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /You approved this stage/);
    assert.equal(await state(request.id), 'pending_approval@1/0');
    const entry = (await t.db.store.listAudit(request.id)).find((e) => e.action === 'stage_approved');
    assert.equal(entry?.actor, 'email-link:mia@contoso.com');
    const again = await browser.get(path);
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /This approval link was used already/);
    const replay = await browser.post('/approval', { token, decision: 'reject', reason: 'changed my mind' });
    assert.equal(replay.statusCode, 400);
    assert.equal(await state(request.id), 'pending_approval@1/0', 'nothing changed');
  });

  test('a reject link needs a reason (400, nothing changed), then rejects with the share option', async () => {
    const { request, token, path } = await pendingWithLink();
    const browser = webClient(t.app);
    await browser.get(`${path}&decision=reject`);
    const missing = await browser.post('/approval', { token, decision: 'reject', reason: '  ', share: 'yes' });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /Enter the reason for rejecting/);
    assert.equal(await state(request.id), 'pending_approval@0/0');
    const res = await browser.post('/approval', { token, decision: 'reject', reason: 'Not a partner', share: 'yes' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /You rejected the request/);
    const rejected = await t.db.store.getRequest(request.id);
    assert.equal(rejected?.status, 'rejected');
    assert.equal(rejected?.reason, 'Not a partner');
    assert.equal(await t.db.store.isReasonShared(request.id), true);
  });

  // The cases where a link must not work: each gets a clear page, and changes nothing.
  const refusals: Array<{
    name: string;
    message: RegExp;
    status: number;
    arrange: () => Promise<{ id: string; token: string }>;
  }> = [
    {
      name: 'expired',
      message: /has expired/,
      status: 400,
      async arrange() {
        const { request, token } = await pendingWithLink();
        t.clock.advance(7 * DAY);
        return { id: request.id, token };
      },
    },
    {
      name: 'tampered token',
      message: /not valid/,
      status: 400,
      async arrange() {
        const { request, token } = await pendingWithLink();
        return { id: request.id, token: `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}` };
      },
    },
    {
      name: 'wrong approver (a link of stage 0 for someone who was never its approver still only decides stage 0)',
      message: /no longer waits for this decision/,
      status: 400,
      async arrange() {
        // Sam's link was made for stage 0; the request is at stage 1 now (Mia approved in the console).
        const { request, token } = await pendingWithLink('sam@contoso.com');
        await decideRequest(deps(), { id: request.id, actor: { kind: 'cli', user: 'mia' }, decision: 'approve' });
        return { id: request.id, token };
      },
    },
    {
      name: 'stage already decided by another approver',
      message: /no longer waits for this decision/,
      status: 400,
      async arrange() {
        const { request, token } = await pendingWithLink();
        await decideRequest(deps(), {
          id: request.id,
          actor: { kind: 'cli', user: 'other' },
          decision: 'reject',
          reason: 'No',
        });
        return { id: request.id, token };
      },
    },
    {
      name: 'self-approval (the link reached the requester, who is an approver of the stage)',
      message: /Nobody may decide their own request/,
      status: 403,
      async arrange() {
        const { request, token } = await pendingWithLink('boss@contoso.com', 'boss@contoso.com');
        return { id: request.id, token };
      },
    },
  ];
  for (const refusal of refusals) {
    test(`refused: ${refusal.name}`, async () => {
      const { id, token } = await refusal.arrange();
      const before = await state(id);
      const entries = (await t.db.store.listAudit(id)).length;
      const browser = webClient(t.app);
      const page = await browser.get(`/approval?token=${encodeURIComponent(token)}`);
      assert.equal(page.statusCode, refusal.status);
      assert.match(page.body, refusal.message);
      assert.doesNotMatch(page.body, /<form method="post" action="\/approval"/);
      // A forged or replayed post, with a CSRF token from a page that has a form.
      await browser.get((await pendingWithLink()).path);
      const post = await browser.post('/approval', { token, decision: 'approve' });
      assert.equal(post.statusCode, refusal.status);
      assert.match(post.body, refusal.message);
      assert.equal(await state(id), before, 'nothing changed');
      assert.equal((await t.db.store.listAudit(id)).length, entries, 'nothing written');
    });
  }

  test('a POST without the page’s CSRF token is refused and changes nothing', async () => {
    const { request, token } = await pendingWithLink();
    const res = await t.app.inject({
      method: 'POST',
      url: '/approval',
      payload: new URLSearchParams({ token, decision: 'approve' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.statusCode, 403);
    assert.equal(await state(request.id), 'pending_approval@0/0');
  });
});
