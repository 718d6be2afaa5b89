// Group approvers through the emulator: the Graph adapter reads a group's members with
// GET /groups/{id}/transitiveMembers (users only), and the stage checks and the approvers'
// emails use them. Members are matched on their object id (the signed-in person's oid) or
// their address.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { createGraphApproverGroups, createGraphDirectory } from '../../../src/adapters/directory/index.ts';
import { openDatabase } from '../../../src/adapters/store/index.ts';
import { cachedApproverGroups } from '../../../src/app/approver-groups.ts';
import { approverAddresses } from '../../../src/app/approver-recipients.ts';
import { viewStage } from '../../../src/app/stage-authority.ts';
import { submitRequest } from '../../../src/app/submit-request.ts';
import { DirectoryError } from '../../../src/domain/directory-error.ts';
import type { ApproverGroups } from '../../../src/ports.ts';
import { fixedClock } from '../../helpers/clock.ts';
import { aStage, planStages } from '../../helpers/stages.ts';
import { ALL_ROLES, appConfig, startTenant } from './emulated-tenant.ts';

test('a group stage: its members decide and get the emails; others do not; the requester never', async (t) => {
  const em = await startTenant(t);
  const entra = await appConfig(em, ALL_ROLES);
  const directory = createGraphDirectory({ entra, ca: em.caPem });
  const group = em.addGroup({ displayName: 'Partner managers' });
  const mia = em.addUser({ mail: 'mia@contoso.com', userType: 'Member' });
  const noMail = em.addUser({ mail: null, userType: 'Member', userPrincipalName: 'nomail@contoso.onmicrosoft.com' });
  const requester = em.addUser({ mail: 'pat@contoso.com', userType: 'Member' });
  em.addUser({ mail: 'sam@contoso.com', userType: 'Member' }); // not a member
  for (const user of [mia, noMail, requester]) await directory.addToGroup(group.id, user.id);

  let reads = 0;
  const graph = createGraphApproverGroups({ entra, ca: em.caPem });
  const counted: ApproverGroups = { members: (id) => (reads++, graph.members(id)) };
  const clock = fixedClock();
  const approverGroups = cachedApproverGroups(counted, clock);
  const members = await approverGroups.members(group.id);
  assert.deepEqual(
    members.map((m) => [m.id, m.mail]).sort(),
    [
      [mia.id, 'mia@contoso.com'],
      [noMail.id, null],
      [requester.id, 'pat@contoso.com'],
    ].sort(),
  );

  const db = await openDatabase('sqlite::memory:');
  t.after(() => db.close());
  await db.migrate();
  const deps = { store: db.store, clock, ids: { next: () => randomUUID() }, approverGroups };
  const request = await submitRequest(deps, {
    email: 'pat@contoso.com',
    firstName: 'Pat',
    lastName: 'Doe',
    actor: { kind: 'token', name: 'admin' },
    verified: true,
  });
  const stage = aStage({ approvers: [{ kind: 'group', groupId: group.id, name: 'Partner managers' }] });
  await planStages(db.store, request.id, [stage]);
  const state = (await db.store.getApprovalState(request.id))!;
  const as = (oid: string | null, email: string | null) =>
    viewStage(deps, request, state, { role: 'approver', email, oid, token: false });

  assert.equal((await as(mia.id, null)).mayDecide, true, 'by object id');
  assert.equal((await as(null, 'MIA@contoso.com')).mayDecide, true, 'by address');
  assert.equal((await as(randomUUID(), 'sam@contoso.com')).mayDecide, false, 'not a member');
  const self = await as(requester.id, 'pat@contoso.com');
  assert.deepEqual([self.mayDecide, self.self], [false, true], 'a member, but the requester');

  const addresses = await approverAddresses(deps, stage.approvers, request.email);
  assert.deepEqual(addresses.sort(), ['mia@contoso.com', 'nomail@contoso.onmicrosoft.com']);
  assert.equal(reads, 1, 'the members were read once and remembered');
  clock.advance(5 * 60_000);
  await approverGroups.members(group.id);
  assert.equal(reads, 2, 'and read again after five minutes');
});

test('transitiveMembers needs a group-reading permission, and the emulator answers as Graph does', async (t) => {
  const em = await startTenant(t);
  const group = em.addGroup();
  const groups = createGraphApproverGroups({ entra: await appConfig(em, ['User.Invite.All']), ca: em.caPem });
  const refused = await groups.members(group.id).catch((error: unknown) => error);
  assert.ok(refused instanceof DirectoryError);
  assert.equal(refused.httpStatus, 403);
  const readable = createGraphApproverGroups({ entra: await appConfig(em, ['GroupMember.Read.All']), ca: em.caPem });
  assert.deepEqual(await readable.members(group.id), []);
  const missing = await readable.members(randomUUID()).catch((error: unknown) => error);
  assert.ok(missing instanceof DirectoryError);
  assert.equal(missing.httpStatus, 404);
});
