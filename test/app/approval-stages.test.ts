// Approval stages end to end on every database (SQLite in memory and in a file, PostgreSQL
// when TEST_DATABASE_URL is set): two stages decided in turn, who may decide, two approvers
// at once on one stage, the reminder sent once, the timeout's escalation and auto-reject,
// all with a fixed clock and the approvers' emails captured.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { decideRequest } from '../../src/app/decide-request.ts';
import { notifyApprovers } from '../../src/app/notify-approvers.ts';
import type { Authority } from '../../src/app/stage-authority.ts';
import { stageTimeout } from '../../src/app/stage-timeout.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import { NotAnApproverError, SelfApprovalError } from '../../src/domain/approval-stages.ts';
import type { MailMessage } from '../../src/ports.ts';
import { fixedClock } from '../helpers/clock.ts';
import { databaseFactories } from '../helpers/databases.ts';
import { aStage, planStages } from '../helpers/stages.ts';

const DAY = 86_400_000;
const ADMIN_TOKEN = { kind: 'token', name: 'admin' } as const;
const person = (email: string, role: 'admin' | 'approver' | null = 'approver'): Authority => ({
  role,
  email,
  oid: null,
  token: false,
});
const actorFor = (email: string) => ({ kind: 'person', via: 'entra', id: randomUUID(), name: email }) as const;

for (const factory of databaseFactories) {
  describe(`approval stages (${factory.name})`, () => {
    async function setup(t: { after(fn: () => Promise<void>): void }) {
      const opened = await factory.open();
      t.after(() => opened.close());
      const clock = fixedClock();
      const sent: MailMessage[] = [];
      const deps = { store: opened.db.store, clock, ids: { next: () => randomUUID() } };
      const mailDeps = {
        ...deps,
        mailer: { send: async (m: MailMessage) => void sent.push(m) },
        logger: { debug() {}, info() {}, warn() {}, error() {} },
        approverGroups: null,
        publicUrl: 'https://gl.test',
        linkValidForMs: 7 * DAY,
        branding: { organizationName: 'Contoso', appName: 'Project X' },
      };
      const pending = async (email = `pat-${randomUUID().slice(0, 8)}@fabrikam.com`) =>
        submitRequest(deps, { email, firstName: 'Pat', lastName: 'Doe', actor: ADMIN_TOKEN, verified: true });
      const jobs = async (id: string) =>
        (await opened.db.jobs.listJobs(id)).map((j) => `${j.kind}:${j.payload?.stage}/${j.payload?.round}`);
      return { db: opened.db, clock, deps, mailDeps, sent, pending, jobs };
    }

    test("two stages: the first approval moves the request on, the second approves it; each stage is its approvers'", async (t) => {
      const { db, deps, pending, jobs } = await setup(t);
      const request = await pending();
      await planStages(db.store, request.id, [
        aStage({ name: 'Manager', approvers: [{ kind: 'person', email: 'mia@contoso.com' }] }),
        aStage({ name: 'Security', approvers: [{ kind: 'person', email: 'sam@contoso.com' }] }),
      ]);
      // Sam is not the first stage's approver; Mia is.
      await assert.rejects(
        decideRequest(deps, {
          id: request.id,
          actor: actorFor('sam@contoso.com'),
          authority: person('sam@contoso.com'),
          decision: 'approve',
        }),
        NotAnApproverError,
      );
      const moved = await decideRequest(deps, {
        id: request.id,
        actor: actorFor('mia@contoso.com'),
        authority: person('MIA@contoso.com'),
        decision: 'approve',
        comment: 'Known partner.',
      });
      assert.equal(moved.status, 'pending_approval');
      const state = await db.store.getApprovalState(request.id);
      assert.deepEqual([state?.stage, state?.round], [1, 0]);
      const audit = await db.store.listAudit(request.id);
      const stageApproved = audit.find((e) => e.action === 'stage_approved');
      assert.match(stageApproved?.actor ?? '', /mia@contoso\.com$/);
      assert.match(
        stageApproved?.reason ?? '',
        /Approved stage 1 of 2, Manager; now stage 2 of 2, Security\. Known partner\./,
      );
      assert.ok((await jobs(request.id)).includes('notify_approvers:1/0'), 'the next stage began with its emails');
      // Now Mia is not an approver any more; Sam is, and his approval is the request's.
      await assert.rejects(
        decideRequest(deps, {
          id: request.id,
          actor: actorFor('mia@contoso.com'),
          authority: person('mia@contoso.com'),
          decision: 'approve',
        }),
        NotAnApproverError,
      );
      const approved = await decideRequest(deps, {
        id: request.id,
        actor: actorFor('sam@contoso.com'),
        authority: person('sam@contoso.com'),
        decision: 'approve',
      });
      assert.equal(approved.status, 'approved');
      assert.ok((await jobs(request.id)).some((j) => j.startsWith('provision')));
    });

    test('a rejection at any stage rejects; nobody decides their own request, admins included; admins decide any stage', async (t) => {
      const { db, deps, pending } = await setup(t);
      const own = await pending('boss@contoso.com');
      await planStages(db.store, own.id, [aStage({ approvers: [{ kind: 'person', email: 'boss@contoso.com' }] })]);
      await assert.rejects(
        decideRequest(deps, {
          id: own.id,
          actor: actorFor('boss@contoso.com'),
          authority: person('Boss@Contoso.com', 'admin'),
          decision: 'approve',
        }),
        SelfApprovalError,
      );
      assert.equal((await db.store.getRequest(own.id))?.status, 'pending_approval', 'nothing changed');

      const other = await pending();
      await planStages(db.store, other.id, [aStage({ name: 'A' }), aStage({ name: 'B' })]);
      // An admin is named nowhere, and still decides (break-glass).
      await decideRequest(deps, {
        id: other.id,
        actor: actorFor('ad@contoso.com'),
        authority: person('ad@contoso.com', 'admin'),
        decision: 'approve',
      });
      const rejected = await decideRequest(deps, {
        id: other.id,
        actor: actorFor('ad@contoso.com'),
        authority: person('ad@contoso.com', 'admin'),
        decision: 'reject',
        reason: 'Not a partner.',
      });
      assert.equal(rejected.status, 'rejected');
    });

    test('two approvers of one stage at once: one decision, the other told the stage moved on', async (t) => {
      const { db, deps, pending } = await setup(t);
      const request = await pending();
      const both = [
        { kind: 'person', email: 'a@contoso.com' },
        { kind: 'person', email: 'b@contoso.com' },
      ] as const;
      await planStages(db.store, request.id, [aStage({ approvers: both }), aStage()]);
      const results = await Promise.allSettled([
        decideRequest(deps, {
          id: request.id,
          actor: actorFor('a@contoso.com'),
          authority: person('a@contoso.com'),
          decision: 'approve',
        }),
        decideRequest(deps, {
          id: request.id,
          actor: actorFor('b@contoso.com'),
          authority: person('b@contoso.com'),
          decision: 'reject',
          reason: 'No.',
        }),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, 'one decision');
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      // Racing on the row: stage_decided. Arriving just after the commit, the loser reads the
      // next stage, whose approver they are not (on PostgreSQL the reads interleave so).
      assert.match(String(lost.reason.code), /stage_decided|invalid_transition|not_stage_approver/);
      const decisions = (await db.store.listAudit(request.id)).filter((e) =>
        ['stage_approved', 'reject', 'approve'].includes(e.action),
      );
      assert.equal(decisions.length, 1);
    });

    test('approvers get one email each when the stage begins and one reminder, however often the jobs run', async (t) => {
      const { db, mailDeps, pending, sent } = await setup(t);
      const request = await pending();
      const stage = aStage({
        approvers: [
          { kind: 'person', email: 'a@contoso.com' },
          { kind: 'person', email: 'b@contoso.com' },
          { kind: 'person', email: request.email },
        ],
        reminderDays: 2,
      });
      await planStages(db.store, request.id, [stage]);
      const payload = { stage: 0, round: 0 };
      await Promise.all([
        notifyApprovers(mailDeps, { requestId: request.id, payload, kind: 'stage' }),
        notifyApprovers(mailDeps, { requestId: request.id, payload, kind: 'stage' }),
      ]);
      assert.deepEqual(sent.map((m) => m.to[0]).sort(), ['a@contoso.com', 'b@contoso.com'], 'never the requester');
      await notifyApprovers(mailDeps, { requestId: request.id, payload, kind: 'reminder' });
      await notifyApprovers(mailDeps, { requestId: request.id, payload, kind: 'reminder' });
      const reminders = sent.filter((m) => m.subject.startsWith('Reminder:'));
      assert.equal(reminders.length, 2, 'one reminder per approver');
      const first = sent[0]!;
      assert.match(first.text, /Pat Doe asks for access to Project X/);
      assert.match(first.text, /Approve: https:\/\/gl\.test\/approval\?token=gla_[\w-]+&decision=approve/);
      assert.match(
        first.html ?? '',
        /<a href="https:\/\/gl\.test\/approval\?token=gla_[\w-]+&amp;decision=reject"[^>]*>Reject<\/a>/,
      );
      // A stage that moved on cancels its jobs in effect: a reminder for round 0 after escalation mails nobody.
      await db.store.saveStageChange({
        requestId: request.id,
        expected: { stage: 0, round: 0 },
        next: { stage: 0, round: 1, startedAt: new Date() },
        audit: {
          id: randomUUID(),
          requestId: request.id,
          actor: 'test',
          action: 'stage_escalated',
          fromStatus: 'pending_approval',
          toStatus: 'pending_approval',
          reason: null,
          at: new Date(),
        },
        jobs: [],
      });
      const before = sent.length;
      await notifyApprovers(mailDeps, { requestId: request.id, payload, kind: 'reminder' });
      assert.equal(sent.length, before);
    });

    test('an admin stage emails the admins of the staff directory (signed in once, with an address), by their role at their last sign-in', async (t) => {
      const { db, mailDeps, pending, sent, clock } = await setup(t);
      const staff = (oid: string, email: string | null, role: 'admin' | 'approver' | null) =>
        db.store.recordStaffSignIn({ oid, name: oid, email, role, lastSignInAt: clock.now() });
      await staff('adele', 'adele@contoso.com', 'admin');
      await staff('local-like', null, 'admin');
      await staff('alex', 'alex@contoso.com', 'approver');
      await staff('nestor', 'nestor@contoso.com', 'admin');
      await staff('nestor', 'nestor@contoso.com', 'approver'); // his admin role was removed since
      const request = await pending();
      await planStages(db.store, request.id, [aStage({ approvers: [{ kind: 'role', role: 'admin' }] })]);
      await notifyApprovers(mailDeps, { requestId: request.id, payload: { stage: 0, round: 0 }, kind: 'stage' });
      assert.deepEqual(
        sent.map((m) => m.to[0]),
        ['adele@contoso.com'],
      );
    });

    test('the timeout escalates once to the alternates (their emails, new links), then rejects; the reminder and timeout are scheduled', async (t) => {
      const { db, deps, mailDeps, pending, sent, clock, jobs } = await setup(t);
      const request = await pending();
      const stage = aStage({
        approvers: [{ kind: 'person', email: 'slow@contoso.com' }],
        alternates: [{ kind: 'person', email: 'backup@contoso.com' }],
        onTimeout: 'escalate',
        timeoutDays: 5,
        reminderDays: 3,
      });
      // Begin through a real stage change so the jobs are the ones a stage queues.
      await planStages(db.store, request.id, [stage]);
      const { stageJobs } = await import('../../src/app/approval-plan.ts');
      const queued = stageJobs({ requestId: request.id, stage, index: 0, round: 0, startedAt: clock.now() });
      assert.deepEqual(
        queued.map((j) => [j.kind, (j.runAt.getTime() - clock.now().getTime()) / DAY]),
        [
          ['notify_approvers', 0],
          ['remind_approvers', 3],
          ['stage_timeout', 5],
        ],
      );
      await notifyApprovers(mailDeps, { requestId: request.id, payload: { stage: 0, round: 0 }, kind: 'stage' });
      clock.advance(5 * DAY);
      await stageTimeout(deps, { requestId: request.id, payload: { stage: 0, round: 0 } });
      await stageTimeout(deps, { requestId: request.id, payload: { stage: 0, round: 0 } }); // a repeat does nothing
      const state = await db.store.getApprovalState(request.id);
      assert.deepEqual([state?.stage, state?.round], [0, 1]);
      const escalations = (await db.store.listAudit(request.id)).filter((e) => e.action === 'stage_escalated');
      assert.equal(escalations.length, 1);
      assert.equal(escalations[0]?.actor, 'policy:stage_timeout');
      assert.ok((await jobs(request.id)).includes('stage_timeout:0/1'), 'the escalated round has its own timeout');
      await notifyApprovers(mailDeps, { requestId: request.id, payload: { stage: 0, round: 1 }, kind: 'stage' });
      const escalated = sent.filter((m) => m.to[0] === 'backup@contoso.com');
      assert.equal(escalated.length, 1);
      assert.match(escalated[0]!.text, /did not decide in time/);
      // The alternates do not decide either: the request is rejected, the reason shared generically.
      clock.advance(5 * DAY);
      await stageTimeout(deps, { requestId: request.id, payload: { stage: 0, round: 1 } });
      const rejected = await db.store.getRequest(request.id);
      assert.equal(rejected?.status, 'rejected');
      assert.equal(rejected?.reason, 'Your request was not decided in time.');
      assert.equal(await db.store.isReasonShared(request.id), true);
      const last = (await db.store.listAudit(request.id)).at(-1);
      assert.equal(last?.actor, 'policy:stage_timeout');
      assert.match(last?.reason ?? '', /No decision at stage 1 of 1, Approval within 5 days after its escalation/);
    });

    test('a stage set to reject on timeout rejects at once; a decided stage cancels the timeout in effect', async (t) => {
      const { db, deps, pending, clock } = await setup(t);
      const quick = await pending();
      await planStages(db.store, quick.id, [aStage({ timeoutDays: 2, onTimeout: 'reject' })]);
      clock.advance(2 * DAY);
      await stageTimeout(deps, { requestId: quick.id, payload: { stage: 0, round: 0 } });
      assert.equal((await db.store.getRequest(quick.id))?.status, 'rejected');

      const decided = await pending();
      await planStages(db.store, decided.id, [aStage({ timeoutDays: 2 }), aStage({ timeoutDays: 2 })]);
      await decideRequest(deps, { id: decided.id, actor: ADMIN_TOKEN, decision: 'approve' });
      await stageTimeout(deps, { requestId: decided.id, payload: { stage: 0, round: 0 } });
      assert.equal(
        (await db.store.getRequest(decided.id))?.status,
        'pending_approval',
        "stage 0's timeout did nothing",
      );
    });
  });
}
