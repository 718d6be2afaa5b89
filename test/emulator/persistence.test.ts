// EmulatorOptions.stateFile: the directory survives a restart; without it nothing is
// written; a damaged file stops start-up with an error naming it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { startEmulator } from '../../src/emulator/index.ts';
import { stateWriter } from '../../src/emulator/state-file.ts';
import { removeAfter } from '../helpers/remove-after.ts';
import { call, emulatorFor, graph, invite, tokenFor } from './helpers.ts';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'guestlist-emulator-state-'));
  removeAfter(t, dir);
  return dir;
}

test('a restarted emulator keeps users, group members, the mailbox and working redeem links', async (t) => {
  const dir = await tempDir(t);
  const stateFile = join(dir, 'state', 'directory.json');
  const first = await startEmulator({ stateFile });
  let token = await tokenFor(first);
  const group = first.addGroup({ displayName: 'Partner portal' });
  const invited = await invite(first, token, {
    invitedUserEmailAddress: 'Ann@Fabrikam.com',
    invitedUserDisplayName: 'Ann',
    sendInvitationMessage: true,
  });
  assert.equal(invited.status, 201);
  const userId: string = invited.json.invitedUser.id;
  const redeemUrl: string = invited.json.inviteRedeemUrl;
  const added = await graph(first, token, {
    method: 'POST',
    path: `/groups/${group.id}/members/$ref`,
    body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${userId}` },
  });
  assert.equal(added.status, 204);
  const user = first.getUser(userId);
  const mailbox = first.mailbox.list();
  await first.close(); // right after the last change: close() must still save it

  const second = await emulatorFor(t, { stateFile });
  assert.deepEqual(second.getUser(userId), user);
  assert.deepEqual(second.groupMembers(group.id), [userId]);
  assert.deepEqual(second.mailbox.list(), mailbox);
  assert.ok(second.mailbox.list()[0]?.sentAt instanceof Date, 'sentAt comes back as a Date');

  // Lookups by address still find the guest: re-inviting returns the same user.
  token = await tokenFor(second);
  const found = await graph(second, token, { path: `/users?$filter=mail eq 'ann@fabrikam.com'` });
  assert.deepEqual(
    found.json.value.map((u: { id: string }) => u.id),
    [userId],
  );
  assert.equal(
    (await invite(second, token, { invitedUserEmailAddress: 'ann@fabrikam.com' })).json.invitedUser.id,
    userId,
  );

  // The link from the first run's mail works on the second (served on a new port).
  const link = new URL(redeemUrl);
  const redeemed = await call(second, { path: `/redeem${link.search}` });
  assert.equal(redeemed.status, 302);
  assert.equal(redeemed.headers.location, 'https://app.example.com/welcome');
  assert.equal(second.getUser(userId)?.externalUserState, 'Accepted');
  await second.close();

  const third = await emulatorFor(t, { stateFile });
  assert.equal(third.getUser(userId)?.externalUserState, 'Accepted', 'the redemption was saved too');
  assert.equal(third.mailbox.list().length, 1);
});

test('a change is saved shortly after it is made, not only on close', async (t) => {
  const dir = await tempDir(t);
  const stateFile = join(dir, 'directory.json');
  const emulator = await emulatorFor(t, { stateFile });
  for (let i = 0; i < 50; i++) emulator.addUser({ mail: `burst${i}@fabrikam.com`, userType: 'Guest' });
  const deadline = Date.now() + 5000;
  let saved: { users: unknown[] } | null = null;
  while (saved?.users.length !== 50 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    saved = await readFile(stateFile, 'utf8').then(JSON.parse, () => null);
  }
  assert.equal(saved?.users.length, 50);
  assert.deepEqual(
    (await readdir(dir)).filter((name) => name.endsWith('.tmp')),
    [],
    'no temp file left behind',
  );
});

test('a burst of changes is one write; flush() writes the last change at once', async (t) => {
  const file = join(await tempDir(t), 'counter.json');
  let value = 0;
  let writes = 0;
  const writer = stateWriter(file, () => {
    writes++;
    return JSON.stringify({ value });
  });
  for (let i = 0; i < 100; i++) {
    value++;
    writer.changed();
  }
  assert.equal(writes, 0, 'not written at once');
  const deadline = Date.now() + 5000;
  while (!existsSync(file) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(writes, 1);
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { value: 100 });

  value++;
  writer.changed();
  await writer.flush(); // before the timer fires
  assert.equal(writes, 2);
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { value: 101 });
  await writer.flush(); // nothing changed: no write
  assert.equal(writes, 2);
});

test('without stateFile nothing is written besides the CA', async (t) => {
  const dir = await tempDir(t);
  const emulator = await startEmulator({ dataDir: dir });
  const before = (await readdir(dir)).sort();
  const token = await tokenFor(emulator);
  assert.equal((await invite(emulator, token, { invitedUserEmailAddress: 'bo@fabrikam.com' })).status, 201);
  emulator.addGroup();
  await emulator.close();
  assert.deepEqual((await readdir(dir)).sort(), before);
  assert.deepEqual(before, ['ca-key.pem', 'ca.pem']);
});

test('a damaged state file stops start-up with an error naming it, and is left as it was', async (t) => {
  const dir = await tempDir(t);
  const stateFile = join(dir, 'directory.json');
  const cases: Array<[string, RegExp]> = [
    ['{"version": 1, "users": [', /not valid JSON/],
    ['[]', /not a JSON object/],
    ['{"version": 99}', /version is 99/],
    [
      JSON.stringify({ version: 1, tenantId: '00000000-0000-0000-0000-000000000000', users: [] }),
      /holds tenant "00000000-0000-0000-0000-000000000000"/,
    ],
  ];
  for (const [content, reason] of cases) {
    await writeFile(stateFile, content);
    await assert.rejects(startEmulator({ stateFile }), (error: Error) => {
      assert.ok(error.message.includes(stateFile), error.message);
      assert.match(error.message, reason);
      return true;
    });
    assert.equal(await readFile(stateFile, 'utf8'), content);
  }
});
