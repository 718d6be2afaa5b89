// The sign-in tables on every database: sessions (ended ones refused and swept, one
// person's ended on demand), local admins (failures counted atomically, the lock), and
// the server's own secrets (the first writer wins).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConflictError } from '../../../src/domain/errors.ts';
import type { LocalAdmin, Session } from '../../../src/ports.ts';
import { databaseFactories } from '../../helpers/databases.ts';

const T0 = new Date('2026-03-01T09:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function aSession(overrides: Partial<Session> = {}): Session {
  return {
    via: 'entra',
    subject: 'oid-1',
    name: 'Adele Vance',
    email: 'adele@contoso.com',
    role: 'admin',
    createdAt: T0,
    lastSeenAt: T0,
    idleUntil: at(60),
    expiresAt: at(720),
    ...overrides,
  };
}

function anAdmin(overrides: Partial<LocalAdmin> = {}): LocalAdmin {
  return {
    username: 'ops',
    displayName: 'Operations',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    createdAt: T0,
    failedCount: 0,
    lockedUntil: null,
    ...overrides,
  };
}

for (const factory of databaseFactories) {
  describe(`sign-in tables: ${factory.name}`, () => {
    test('sessions: idle and absolute ends refuse, the sweep deletes only ended ones, deleteFor ends one person', async () => {
      const t = await factory.open();
      try {
        const { sessions } = t.db;
        await sessions.create('live', aSession());
        await sessions.create('idle', aSession({ idleUntil: at(10) }));
        await sessions.create('old', aSession({ expiresAt: at(20), idleUntil: at(20) }));
        await sessions.create('local', aSession({ via: 'local', subject: 'ops' }));
        assert.ok(await sessions.find('live', at(30)));
        assert.equal(await sessions.find('idle', at(30)), null);
        assert.equal(await sessions.find('old', at(30)), null);
        assert.equal(await sessions.deleteEnded(at(30)), 2);
        assert.equal(await sessions.deleteFor('local', 'ops'), 1);
        assert.equal(await sessions.find('local', at(30)), null);
        assert.ok(await sessions.find('live', at(30)), 'other sessions stay');
      } finally {
        await t.close();
      }
    });

    test('local admins: create, a taken name, list, failures counted together, lock, success clears', async () => {
      const t = await factory.open();
      try {
        const { localAdmins } = t.db;
        await localAdmins.create(anAdmin());
        await assert.rejects(localAdmins.create(anAdmin()), ConflictError);
        await localAdmins.create(anAdmin({ username: 'alpha' }));
        assert.deepEqual(
          (await localAdmins.list()).map((a) => a.username),
          ['alpha', 'ops'],
        );
        assert.equal(await localAdmins.count(), 2);
        // Four at once: none lost.
        await Promise.all([1, 2, 3, 4].map(() => localAdmins.recordFailure('ops', 5, at(15))));
        assert.equal((await localAdmins.find('ops'))?.failedCount, 4);
        const locked = await localAdmins.recordFailure('ops', 5, at(15));
        assert.equal(locked?.failedCount, 0);
        assert.equal(locked?.lockedUntil?.toISOString(), at(15).toISOString());
        await localAdmins.recordSuccess('ops');
        assert.deepEqual(
          {
            failed: (await localAdmins.find('ops'))?.failedCount,
            locked: (await localAdmins.find('ops'))?.lockedUntil,
          },
          { failed: 0, locked: null },
        );
        assert.equal(await localAdmins.delete('ops'), true);
        assert.equal(await localAdmins.delete('ops'), false);
        assert.equal(await localAdmins.find('ops'), null);
      } finally {
        await t.close();
      }
    });

    test('server secrets: the first value stored is the one every caller gets', async () => {
      const t = await factory.open();
      try {
        const [a, b] = await Promise.all([
          t.db.serverSecrets.getOrCreate('cookie-signing-key', 'first'),
          t.db.serverSecrets.getOrCreate('cookie-signing-key', 'second'),
        ]);
        assert.equal(a, b);
        assert.equal(await t.db.serverSecrets.getOrCreate('cookie-signing-key', 'third'), a);
      } finally {
        await t.close();
      }
    });
  });
}
