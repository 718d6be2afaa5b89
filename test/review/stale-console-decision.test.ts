// Review: the console's (and API's) decide routes pass no `at` to decideRequest, so a
// decision made from a page that showed stage 1 lands on whatever stage the request is at
// when the POST arrives. Two admins who both looked at stage 1 of 2 and both pressed
// Approve produce TWO decisions: the request skips stage 2's approvers entirely and is
// approved (invariant 4: two approvers acting at once produce one decision).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signIn, testApp } from '../helpers/app.ts';
import { aStage, planStages } from '../helpers/stages.ts';
import { webClient } from '../helpers/web.ts';
import { person, stored } from '../http/console/fixtures.ts';

test('two admins approving stage 1 of 2 from the same page make one decision, not two', async (t) => {
  const app = await testApp();
  t.after(() => app.close());
  const request = await stored(app.db.store);
  await planStages(app.db.store, request.id, [
    aStage({ name: 'Manager' }),
    aStage({ name: 'Security', approvers: [{ kind: 'person', email: 'sam@contoso.com' }] }),
  ]);
  const alice = webClient(app.app);
  const carol = webClient(app.app);
  await signIn(app, alice, 'admin', person('Alice Admin'));
  await signIn(app, carol, 'admin', person('Carol Admin'));
  // Both open the request while it waits at stage 1 (Manager).
  const pageA = await alice.get(`/admin/requests/${request.id}`);
  const pageC = await carol.get(`/admin/requests/${request.id}`);
  assert.match(pageA.body, /1 of 2: <bdi>Manager<\/bdi>/);
  assert.match(pageC.body, /1 of 2: <bdi>Manager<\/bdi>/);
  // Both press Approve on what they saw: the form sends back the stage its page showed.
  const seen = (body: string) => ({
    stage: /name="stage" value="([^"]*)"/.exec(body)?.[1] ?? '',
    round: /name="round" value="([^"]*)"/.exec(body)?.[1] ?? '',
  });
  assert.deepEqual(seen(pageC.body), { stage: '0', round: '0' }, 'the form carries the stage it shows');
  const first = await alice.post(`/admin/requests/${request.id}/approve`, seen(pageA.body));
  assert.equal(first.statusCode, 303);
  const second = await carol.post(`/admin/requests/${request.id}/approve`, seen(pageC.body));
  assert.equal(second.statusCode, 409, 'Carol is told the stage was decided');
  assert.match(second.body, /already decided by someone else/);
  const now = await app.db.store.getRequest(request.id);
  assert.equal(
    now?.status,
    'pending_approval',
    `Carol's click on stage 1 approved stage 2 (Security) too: status ${now?.status}, answer ${second.statusCode}`,
  );
});

test('an API approve bound to the stage it read is not replayed onto the next stage', async (t) => {
  const app = await testApp();
  t.after(() => app.close());
  const request = await stored(app.db.store);
  await planStages(app.db.store, request.id, [aStage({ name: 'Manager' }), aStage({ name: 'Security' })]);
  const read = await app.app.inject({
    method: 'GET',
    url: `/api/v1/access-requests/${request.id}`,
    headers: app.admin,
  });
  const approval = read.json().approval;
  assert.deepEqual(approval, { stage: 0, round: 0 }, 'the view says which stage the request is at');
  const approve = () =>
    app.app.inject({
      method: 'POST',
      url: `/api/v1/access-requests/${request.id}/approve`,
      headers: app.admin,
      payload: { ...approval },
    });
  assert.equal((await approve()).statusCode, 200);
  // A client retrying after a lost answer sends the same stage: refused, stage 2 untouched.
  const retried = await approve();
  assert.equal(retried.statusCode, 409);
  assert.equal(retried.json().code, 'stage_decided');
  assert.equal((await app.db.store.getRequest(request.id))?.status, 'pending_approval');
});
