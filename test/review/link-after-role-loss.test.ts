// Review: an emailed approval link carries its own authority and is never re-checked. A
// stage decided by the approver role emails every staff member whose LAST sign-in held
// that role (staff_directory). When the person loses the role (seen at their next sign-in,
// role null), the link they were sent still approves the request: removing someone's
// Guestlist.Approver role in Entra does not take away their power to decide by email.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { decideByLink } from '../../src/app/decide-by-link.ts';
import { notifyApprovers } from '../../src/app/notify-approvers.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import type { MailMessage } from '../../src/ports.ts';
import { fixedClock } from '../helpers/clock.ts';
import { databaseFactories } from '../helpers/databases.ts';
import { aStage, planStages } from '../helpers/stages.ts';

const DAY = 86_400_000;

test('a link sent to an approver who has since lost the approver role no longer decides', async (t) => {
  const opened = await databaseFactories[0]!.open();
  t.after(() => opened.close());
  const clock = fixedClock();
  const deps = { store: opened.db.store, clock, ids: { next: () => randomUUID() } };
  const sent: MailMessage[] = [];
  const mailDeps = {
    ...deps,
    mailer: { send: async (m: MailMessage) => void sent.push(m) },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    approverGroups: null,
    publicUrl: 'https://gl.test',
    linkValidForMs: 7 * DAY,
    branding: { organizationName: 'Contoso', appName: 'Project X' },
  };
  const request = await submitRequest(deps, {
    email: 'pat@fabrikam.com',
    firstName: 'Pat',
    lastName: 'Doe',
    actor: { kind: 'token', name: 'admin' },
    verified: true,
  });
  await opened.db.store.recordStaffSignIn({
    oid: 'oid-vic',
    name: 'Vic',
    email: 'vic@contoso.com',
    role: 'approver',
    lastSignInAt: clock.now(),
  });
  await planStages(opened.db.store, request.id, [aStage({ approvers: [{ kind: 'role', role: 'approver' }] })]);
  await notifyApprovers(mailDeps, { requestId: request.id, payload: { stage: 0, round: 0 }, kind: 'stage' });
  const mail = sent.find((m) => m.to[0] === 'vic@contoso.com');
  assert.ok(mail, 'Vic, an approver, is emailed');
  const token = decodeURIComponent(/token=([^&\s]+)/.exec(mail.text)![1]!);
  // Vic's Guestlist.Approver role is removed in Entra; he signs in once more, with no role.
  await opened.db.store.recordStaffSignIn({
    oid: 'oid-vic',
    name: 'Vic',
    email: 'vic@contoso.com',
    role: null,
    lastSignInAt: clock.now(),
  });
  const outcome = await decideByLink(deps, { token, decision: 'approve' }).then(
    (r) => `decided: ${r.request.status}`,
    (e: Error) => `refused: ${e.message}`,
  );
  assert.match(outcome, /^refused/, `Vic, no longer an approver, still decided by link (${outcome})`);
  assert.equal((await opened.db.store.getRequest(request.id))?.status, 'pending_approval');
});
