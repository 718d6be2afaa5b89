// The console and approval stages: the current stage and its approvers on the request page
// and in the queue, "waiting for you" only where the viewer may decide, and the decide
// routes refusing everyone else (not just hiding the buttons).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signIn, testApp } from '../../helpers/app.ts';
import { aStage, planStages } from '../../helpers/stages.ts';
import { webClient } from '../../helpers/web.ts';
import { person, stored } from './fixtures.ts';

const SOMEONE_ELSE = { kind: 'person', email: 'mia@contoso.com' } as const;

test("an approver who is not the stage's: no forms, no 'waiting for you', and the decide routes refuse", async (t) => {
  const app = await testApp();
  t.after(() => app.close());
  const request = await stored(app.db.store);
  await planStages(app.db.store, request.id, [aStage({ name: 'Manager', approvers: [SOMEONE_ELSE] }), aStage()]);
  const bob = webClient(app.app);
  await signIn(app, bob, 'approver', person('Bob Approver'));
  const page = await bob.get(`/admin/requests/${request.id}`);
  assert.match(page.body, /<dt>Stage<\/dt><dd>1 of 2: <bdi>Manager<\/bdi><\/dd>/);
  assert.match(page.body, /<dt>Decided by<\/dt><dd><bdi>mia@contoso.com<\/bdi>/);
  assert.match(page.body, /Not yours to decide at this stage/);
  assert.doesNotMatch(page.body, /action="\/admin\/requests\/[^"]+\/approve"/);
  const queue = await bob.get('/admin?status=all');
  assert.doesNotMatch(queue.body, /class="waiting-for-you"/);
  assert.doesNotMatch(queue.body, new RegExp(`id="select-${request.id}"`));

  for (const [action, fields] of [
    ['approve', {}],
    ['reject', { reason: 'No' }],
  ] as const) {
    const res = await bob.post(`/admin/requests/${request.id}/${action}`, fields);
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /Nothing was changed: You are not an approver of the stage &quot;Manager&quot;/);
  }
  const bulk = await bob.post('/admin/requests/bulk', { ids: [request.id], action: 'approve' });
  assert.match(bulk.body, /You are not an approver of the stage/);
  assert.equal((await app.db.store.getRequest(request.id))?.status, 'pending_approval');
  assert.equal((await app.db.store.getApprovalState(request.id))?.stage, 0);
});

test('the named approver sees "waiting for you" and moves the request to the next stage; the requester may not', async (t) => {
  const app = await testApp();
  t.after(() => app.close());
  const request = await stored(app.db.store); // one stage naming approver@contoso.com (fixtures.ts)
  await planStages(app.db.store, request.id, [
    aStage({ name: 'Manager' }),
    aStage({ name: 'Security', approvers: [SOMEONE_ELSE] }),
  ]);
  const own = await stored(app.db.store, { email: 'approver@contoso.com' });
  const bob = webClient(app.app);
  await signIn(app, bob, 'approver', person('Bob Approver'));

  const queue = await bob.get('/admin?status=all');
  assert.match(queue.body, new RegExp(`id="select-${request.id}"`));
  assert.equal([...queue.body.matchAll(/class="waiting-for-you"/g)].length, 1, 'not on his own request');
  assert.match(queue.body, /Stage 1 of 2: <bdi>Manager<\/bdi>/);

  const ownPage = await bob.get(`/admin/requests/${own.id}`);
  assert.match(ownPage.body, /This is your own request: another approver decides it/);
  const refused = await bob.post(`/admin/requests/${own.id}/approve`, {});
  assert.equal(refused.statusCode, 403);
  assert.match(refused.body, /Nobody may decide their own request/);
  assert.equal((await app.db.store.getRequest(own.id))?.status, 'pending_approval');

  const page = await bob.get(`/admin/requests/${request.id}`);
  assert.match(page.body, /<strong class="waiting-for-you">Waiting for you<\/strong>/);
  const res = await bob.post(`/admin/requests/${request.id}/approve`, { comment: 'Fine by me' });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, `/admin/requests/${request.id}?done=stage_approved`);
  const after = await bob.get(res.headers.location as string);
  assert.match(after.body, /Approved for this stage/);
  assert.match(after.body, /2 of 2: <bdi>Security<\/bdi>/);
  assert.match(after.body, /Bob Approver<\/strong>: Stage approved/);
  assert.match(after.body, /Not yours to decide at this stage/);
});

test('admins decide any stage (break-glass), and the API respects stages too', async (t) => {
  const app = await testApp();
  t.after(() => app.close());
  const request = await stored(app.db.store);
  await planStages(app.db.store, request.id, [
    aStage({ approvers: [SOMEONE_ELSE] }),
    aStage({ approvers: [SOMEONE_ELSE] }),
  ]);
  const api = (action: string) =>
    app.app.inject({ method: 'POST', url: `/api/v1/access-requests/${request.id}/${action}`, headers: app.admin });
  const first = await api('approve');
  assert.equal(first.statusCode, 200);
  assert.equal(first.json().status, 'pending_approval', 'the first of two stages');
  const second = await api('approve');
  assert.equal(second.json().status, 'approved');
});
