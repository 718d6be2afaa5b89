// The reminder before access ends: queued when a request becomes active; it waits until
// `days` before the end date (read when it runs, so a date set or moved later counts), sends
// once per end date, and nothing for a request without an end, no longer active, or past its
// end. On SQLite and PostgreSQL (the claim is in requester_notices).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { changeStatus } from '../../src/app/change-status.ts';
import { decideRequest } from '../../src/app/decide-request.ts';
import { remindExpiry } from '../../src/app/remind-expiry.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import { reminderAt } from '../../src/domain/access-end.ts';
import type { MailMessage, Store } from '../../src/ports.ts';
import { fixedClock } from '../helpers/clock.ts';
import { databaseFactories } from '../helpers/databases.ts';

const DAY = 86_400_000;
const ACTOR = { kind: 'token', name: 't' } as const;

/** The store, with the catalogue's end date on every request read (the `apps` branch stores it). */
function withEndDate(store: Store, end: () => Date | null): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'getRequest') {
        return async (id: string) => {
          const request = await target.getRequest(id);
          return request ? { ...request, accessExpiresAt: end() } : request;
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

for (const factory of databaseFactories) {
  test(`${factory.name}: the requester is reminded once, 7 days before the end; again for a new end date`, async (t) => {
    const { db, close } = await factory.open();
    t.after(close);
    const clock = fixedClock();
    const deps = { store: db.store, clock, ids: { next: randomUUID } };
    const request = await submitRequest(deps, {
      email: 'pat@fabrikam.com',
      firstName: 'Pat',
      lastName: 'Doe',
      actor: ACTOR,
      verified: true,
    });
    await decideRequest(deps, { id: request.id, actor: ACTOR, decision: 'approve' });
    let current = (await db.store.getRequest(request.id))!;
    current = await changeStatus(deps, { request: current, event: { type: 'start_provisioning' }, actor: ACTOR });
    // The end date as the catalogue stores it, with the activation.
    let end: Date | null = new Date(clock.now().getTime() + 30 * DAY);
    await changeStatus(deps, {
      request: current,
      event: { type: 'activate', accessExpiresAt: end },
      actor: ACTOR,
    });
    assert.equal((await db.store.getRequest(request.id))?.accessExpiresAt?.toISOString(), end.toISOString());
    const jobs = (await db.jobs.listJobs(request.id)).filter((job) => job.kind === 'remind_expiry');
    assert.equal(jobs.length, 1, 'queued with the activation, in its transaction');

    const sent: MailMessage[] = [];
    const reminder = {
      store: db.store,
      clock,
      mailer: { send: async (m: MailMessage) => void sent.push(m) },
      branding: { organizationName: 'Contoso', appName: 'Project X' },
      publicUrl: 'https://gl.test',
      reminderDays: 7,
    };
    const wait = await remindExpiry(reminder, request.id);
    assert.equal(wait?.toISOString(), new Date(end.getTime() - 7 * DAY).toISOString());
    assert.equal(sent.length, 0);
    clock.set(wait!.toISOString());
    assert.equal(await remindExpiry(reminder, request.id), null);
    assert.equal(await remindExpiry(reminder, request.id), null, 'a second run sends nothing');
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.subject, 'Your access to Project X ends on 31 March 2026');
    assert.match(sent[0]!.text, /ends on 31 March 2026 \(09:00 UTC\)/);
    assert.match(sent[0]!.text, /See your request: https:\/\/gl\.test\/status\?token=/);
    assert.ok(sent[0]!.html);

    end = new Date(end.getTime() + 30 * DAY); // extended (read through a store that says so)
    reminder.store = withEndDate(db.store, () => end);
    const again = await remindExpiry(reminder, request.id);
    assert.ok(again);
    clock.set(again.toISOString());
    await remindExpiry(reminder, request.id);
    assert.equal(sent.length, 2, 'the new end date gets its own reminder');

    end = null;
    assert.equal(await remindExpiry(reminder, request.id), null, 'no end date: nothing to remind');
  });
}

test('a refused send is given back, so the retry sends it', async (t) => {
  const { db, close } = await databaseFactories[0]!.open();
  t.after(close);
  const clock = fixedClock();
  const deps = { store: db.store, clock, ids: { next: randomUUID } };
  const request = await submitRequest(deps, {
    email: 'sam@fabrikam.com',
    firstName: 'Sam',
    lastName: 'Roe',
    actor: ACTOR,
    verified: true,
  });
  await decideRequest(deps, { id: request.id, actor: ACTOR, decision: 'approve' });
  let current = (await db.store.getRequest(request.id))!;
  current = await changeStatus(deps, { request: current, event: { type: 'start_provisioning' }, actor: ACTOR });
  await changeStatus(deps, { request: current, event: { type: 'activate' }, actor: ACTOR });
  let refuse = true;
  const sent: MailMessage[] = [];
  const reminder = {
    store: withEndDate(db.store, () => new Date(clock.now().getTime() + 2 * DAY)),
    clock,
    mailer: {
      send: async (m: MailMessage) => {
        if (refuse) throw new Error('451 try later');
        sent.push(m);
      },
    },
    branding: { organizationName: 'Contoso', appName: 'Project X' },
    publicUrl: 'https://gl.test',
    reminderDays: 7,
  };
  await assert.rejects(remindExpiry(reminder, request.id), /451/);
  refuse = false;
  await remindExpiry(reminder, request.id);
  assert.equal(sent.length, 1);
});

test('reminderAt: none without an end, with reminders off, or once the end has passed', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  const end = new Date('2026-03-10T00:00:00Z');
  assert.deepEqual(reminderAt(null, 7, now), { kind: 'none' });
  assert.deepEqual(reminderAt(end, 0, now), { kind: 'none' });
  assert.deepEqual(reminderAt(end, 7, new Date('2026-03-10T00:00:00Z')), { kind: 'none' });
  assert.deepEqual(reminderAt(end, 7, now), { kind: 'wait', until: new Date('2026-03-03T00:00:00Z') });
  assert.deepEqual(reminderAt(end, 14, now), { kind: 'send', endsAt: end });
});
