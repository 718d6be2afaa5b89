// The Teams card: a request that begins to wait for approval is posted to the channel by a
// job, in the envelope a Workflows webhook expects, as an Adaptive Card the official schema
// accepts, whatever the requester typed; 429 (Retry-After) and 5xx are retried with back-off,
// a lasting refusal is written in the request's history, and the decision never waits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appTeamsChannels } from '../../src/adapters/outbound/teams-channels.ts';
import { openDatabase } from '../../src/adapters/store/index.ts';
import { createCatalogue, defaultApp } from '../../src/app/app-catalogue.ts';
import { decideRequest } from '../../src/app/decide-request.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import type { App } from '../../src/domain/apps.ts';
import { markdownLiteral, teamsMessage } from '../../src/domain/teams-card.ts';
import { anApp } from '../adapters/store/app-fixtures.ts';
import { adaptiveCardErrors } from '../helpers/adaptive-card-schema.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { ADMIN, notificationsHarness, PUBLIC_URL } from './notifications-harness.ts';

// Markdown, JSON and card-function syntax, a line break, quotes and braces: none may change the card.
const HOSTILE =
  'Need **access** to [click](https://evil.example) _now_ `code` {{DATE(2017-02-14T06:08:00Z)}}\n- item "}]}';

interface Card {
  type: string;
  version: string;
  body: Array<{ type: string; facts?: Array<{ title: string; value: string }>; inlines?: Array<{ text: string }> }>;
  actions: Array<{ type: string; url: string; title: string }>;
}

function cardOf(body: string): Card {
  const message = JSON.parse(body) as { type: string; attachments: Array<{ contentType: string; content: Card }> };
  assert.equal(message.type, 'message');
  assert.equal(message.attachments.length, 1);
  assert.equal(message.attachments[0]!.contentType, 'application/vnd.microsoft.card.adaptive');
  return message.attachments[0]!.content;
}

test('a request that begins to wait is posted once: the Workflows envelope, a card the schema accepts, the console link', async (t) => {
  const receiver = await startReceiver(t, [{ status: 202 }]);
  const h = await notificationsHarness({ teamsUrl: `${receiver.url}/workflows/abc?sig=secret` });
  t.after(() => h.close());
  const request = await h.waiting({ firstName: 'Ada*', lastName: '_Love_', justification: HOSTILE });
  assert.equal((await h.queued('post_to_teams')).length, 1, 'queued with the move to pending_approval');

  await h.drain(['post_to_teams']);
  assert.equal(receiver.received.length, 1);
  const [post] = receiver.received;
  assert.equal(post!.path, '/workflows/abc?sig=secret');
  assert.match(String(post!.headers['content-type']), /^application\/json/);
  const card = cardOf(post!.body);
  assert.deepEqual(adaptiveCardErrors(card), [], 'valid against the Adaptive Card schema');
  assert.equal(card.type, 'AdaptiveCard');
  assert.equal(card.version, '1.4');

  const facts = card.body.find((element) => element.type === 'FactSet')!.facts!;
  assert.deepEqual(
    facts.map((fact) => fact.title),
    ['Requester', 'Email', 'App'],
  );
  assert.equal(facts[0]!.value, 'Ada\\* \\_Love\\_', 'markdown in a name is shown as typed');
  assert.equal(facts[1]!.value, 'pat@fabrikam.com');
  assert.equal(facts[2]!.value, 'Project X');
  // The justification goes into a TextRun, which renders no markdown: kept exactly.
  const why = card.body.find((element) => element.type === 'RichTextBlock')!.inlines![0]!;
  assert.equal(why.text, HOSTILE);
  assert.deepEqual(card.actions, [
    { type: 'Action.OpenUrl', title: 'Open the request', url: `${PUBLIC_URL}/admin/requests/${request.id}` },
  ]);
  assert.equal((await h.queued('post_to_teams')).length, 0, 'done');
});

test('429 with Retry-After, then a 503: tried again with back-off until the channel takes it; the decision does not wait', async (t) => {
  const receiver = await startReceiver(t, [{ status: 429, headers: { 'retry-after': '120' } }, { status: 503 }]);
  const h = await notificationsHarness({ teamsUrl: `${receiver.url}/flow` });
  t.after(() => h.close());
  const request = await h.waiting();
  const start = h.clock.now().getTime();

  assert.equal(await h.worker.runOnce(), true);
  assert.equal(receiver.received.length, 1);
  const [retry] = await h.queued('post_to_teams');
  assert.ok(retry!.runAt.getTime() - start >= 120_000, 'Retry-After honoured');
  assert.match(retry!.lastError ?? '', /HTTP 429/);

  await h.drain(['post_to_teams']);
  assert.equal(receiver.received.length, 3, '429, 503, then accepted');
  assert.equal((await h.queued('post_to_teams')).length, 0);
  assert.deepEqual(adaptiveCardErrors(cardOf(receiver.received[2]!.body)), []);
  assert.equal((await h.db.store.getRequest(request.id))?.status, 'pending_approval');
});

test('a decision while Teams is failing: decided at once, and the retry posts nothing stale', async (t) => {
  const receiver = await startReceiver(t, [{ status: 503 }]);
  const h = await notificationsHarness({ teamsUrl: `${receiver.url}/flow` });
  t.after(() => h.close());
  const request = await h.waiting();
  await h.worker.runOnce();
  assert.equal(receiver.received.length, 1);
  const decided = await decideRequest(h.deps, { id: request.id, actor: ADMIN, decision: 'reject', reason: 'No.' });
  assert.equal(decided.status, 'rejected');
  await h.drain(['post_to_teams']);
  assert.equal(receiver.received.length, 1, 'no card for a request that no longer waits');
});

test('a lasting refusal (404) is not retried: the request history says the channel was not told', async (t) => {
  const receiver = await startReceiver(t, [{ status: 404 }]);
  const h = await notificationsHarness({ teamsUrl: `${receiver.url}/gone?sig=abc` });
  t.after(() => h.close());
  const request = await h.waiting();
  await h.drain(['post_to_teams']);
  assert.equal(receiver.received.length, 1);
  const entry = (await h.db.store.listAudit(request.id)).find((each) => each.action === 'teams_failed');
  assert.ok(entry, 'written where admins look');
  assert.equal(entry.reason, 'The Teams channel was not told of this request: Teams answered HTTP 404.');
  assert.doesNotMatch(entry.reason ?? '', /sig=/, 'the URL (its signature) is never written');
  assert.equal((await h.db.store.getRequest(request.id))?.status, 'pending_approval');
});

test('no channel for the request: the job ends without a call', async (t) => {
  const h = await notificationsHarness({ teamsUrl: null });
  t.after(() => h.close());
  await h.waiting();
  await h.drain(['post_to_teams']); // no URL: nothing the handler could call
  assert.equal((await h.queued('post_to_teams')).length, 0);
});

test('a card with the most hostile answers stays valid, and every fact shows its text as typed', () => {
  const message = teamsMessage({
    request: {
      id: 'r1',
      email: 'x_y@example.com',
      firstName: '# Big',
      lastName: '1. listed',
      justification: null,
      createdAt: new Date(0),
    },
    appName: 'App <b>&amp;</b>',
    answers: [
      { label: 'Team [x](y)', value: '- bullet\n+ plus ~~strike~~ | pipe' },
      { label: 'Long', value: 'x'.repeat(5000) },
    ],
    requestUrl: 'https://gl.test/admin/requests/r1',
  });
  const card = message.attachments[0].content as Card;
  assert.deepEqual(adaptiveCardErrors(card), []);
  const facts = card.body.find((element) => element.type === 'FactSet')!.facts!;
  assert.equal(facts[0]!.value, '\\# Big 1. listed');
  assert.equal(facts[1]!.value, 'x\\_y@example.com');
  assert.equal(facts[2]!.value, 'App \\<b\\>\\&amp;\\</b\\>');
  assert.equal(facts[3]!.title, 'Team \\[x\\](y)');
  assert.equal(facts[3]!.value, '\\- bullet + plus \\~\\~strike\\~\\~ \\| pipe', 'one line: the break became a space');
  assert.ok([...facts[4]!.value].length <= 300, 'long answers are cut so the message stays small');
  assert.equal(card.body.find((element) => element.type === 'RichTextBlock')!.inlines![0]!.text, 'No reason given.');
  assert.equal(markdownLiteral('12. item'), '12\\. item');
  assert.equal(markdownLiteral('plain.text@example.com'), 'plain.text@example.com');
});

test("the card comes from the request's app: its channel, its name, its questions with the answers as facts", async (t) => {
  const receiver = await startReceiver(t, [{ status: 202 }]);
  const db = await openDatabase('sqlite::memory:');
  await db.migrate();
  const portal = anApp({ name: 'Supplier *portal*', teamsWebhookUrl: `${receiver.url}/portal-flow` });
  const quiet = anApp({ teamsWebhookUrl: null });
  await db.store.insertApp(portal, null);
  await db.store.insertApp(quiet, null);
  const catalogue = createCatalogue({
    store: db.store,
    defaultApp: defaultApp({ name: 'Default', redirectUrl: 'https://app.contoso.com', groupIds: [] }),
  });
  const h = await notificationsHarness({ db, teams: appTeamsChannels(catalogue, null) });
  t.after(() => h.close());
  const submit = (app: App | undefined, email: string, answers: Record<string, string>) =>
    submitRequest(h.deps, { email, firstName: 'Pat', lastName: 'Doe', actor: ADMIN, verified: true, app, answers });
  await submit(portal, 'pat@fabrikam.com', { company: 'Fabrikam *Ltd*', role: 'Buyer' });
  await submit(quiet, 'pat@fabrikam.com', { company: 'Fabrikam' });
  await submit(undefined, 'sam@fabrikam.com', {});
  await h.drain(['post_to_teams']);

  assert.equal(receiver.received.length, 1, 'only the app with a channel posts');
  assert.equal(receiver.received[0]!.path, '/portal-flow');
  const card = cardOf(receiver.received[0]!.body);
  assert.deepEqual(adaptiveCardErrors(card), []);
  assert.deepEqual(card.body.find((element) => element.type === 'FactSet')!.facts, [
    { title: 'Requester', value: 'Pat Doe' },
    { title: 'Email', value: 'pat@fabrikam.com' },
    { title: 'App', value: 'Supplier \\*portal\\*' },
    { title: 'Your company', value: 'Fabrikam \\*Ltd\\*' },
    { title: 'Your role', value: 'Buyer' },
  ]);
});
