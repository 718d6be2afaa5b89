// The public request form (/request) without a browser: what a form post does, what the
// page says back, and what it stores. The browser's view is in test/pages/.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/logger.ts';
import { signIn, TEST_BRANDING, type TestApp, testApp } from '../helpers/app.ts';
import { webClient } from '../helpers/web.ts';

const ada = { email: ' Ada@Fabrikam.com ', firstName: 'Ada', lastName: 'Lovelace', justification: '' };

/** The markup of the field named `name` (its label, hint, error and control). */
function fieldHtml(body: string, name: string): string {
  const start = body.indexOf(`<label for="field-${name}"`);
  assert.ok(start >= 0, `field ${name} is on the page`);
  return body.slice(start, body.indexOf('</div>', start));
}

function main(body: string): string {
  return body.slice(body.indexOf('<main'), body.indexOf('</main>'));
}

describe('the request form', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  test('GET /request: labelled fields with autocomplete, a hidden honeypot, a CSRF token, no inline style', async () => {
    const res = await webClient(t.app).get('/request');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(res.body, /<h1>Ask for access to Contoso Portal<\/h1>/);
    assert.match(res.body, /<form method="post" action="\/request"/);
    assert.match(res.body, /name="_csrf" value="[^"]+"/);
    assert.match(fieldHtml(res.body, 'email'), /type="email"[^>]*autocomplete="email"/);
    assert.match(fieldHtml(res.body, 'firstName'), /autocomplete="given-name"/);
    assert.match(fieldHtml(res.body, 'lastName'), /autocomplete="family-name"/);
    assert.match(fieldHtml(res.body, 'justification'), /\(optional\)[\s\S]*<textarea[^>]*maxlength="1000"/);
    assert.match(
      res.body,
      /<div class="honeypot">\s*<label for="field-website">Leave this field empty<\/label>\s*<input type="text" id="field-website" name="website" tabindex="-1" autocomplete="off">/,
    );
    assert.doesNotMatch(res.body, /style=|<script/);
  });

  test('a valid post is stored with its reason, mails a confirmation link, and redirects to /request/sent', async () => {
    const browser = webClient(t.app);
    await browser.get('/request');
    const res = await browser.post('/request', {
      ...ada,
      email: 'reason@fabrikam.com',
      justification: 'Supplier audit\r\nfor Q3',
    });
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, '/request/sent');
    const [stored, ...more] = await t.db.store.listOpenRequestsByEmail('reason@fabrikam.com');
    assert.equal(more.length, 0);
    assert.equal(stored?.status, 'pending_verification');
    assert.equal(stored?.justification, 'Supplier audit\nfor Q3');
    assert.equal(stored?.firstName, 'Ada');
    const history = await t.db.store.listAudit(stored!.id);
    assert.deepEqual(
      history.map((entry) => [entry.actor, entry.action, entry.toStatus]),
      [['requester', 'submit', 'pending_verification']],
    );
    // The confirmation email, and the request's end should nobody confirm it.
    assert.deepEqual((await t.db.jobs.listJobs(stored!.id)).map((job) => job.kind).sort(), [
      'expire_verification',
      'send_verification',
    ]);

    const sent = await browser.get('/request/sent');
    assert.equal(sent.statusCode, 200);
    assert.match(sent.body, /<h1>Check your inbox<\/h1>/);
    assert.match(sent.body, /<strong class="address">reason@fabrikam\.com<\/strong>/);
    assert.match(sent.body, /The link works for 24 hours\./);
    assert.match(sent.body, /Nothing happens until you confirm/);
  });

  test('mistakes: a 400 with each message beside its field and in the summary, what was typed kept, nothing stored', async () => {
    const browser = webClient(t.app);
    await browser.get('/request');
    const res = await browser.post('/request', {
      email: 'grace at navy',
      firstName: 'Grace',
      lastName: '  ',
      justification: 'Compilers',
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<title>Error: Ask for access/);
    const summary = res.body.slice(
      res.body.indexOf('<div class="errors"'),
      res.body.indexOf('</div>', res.body.indexOf('<div class="errors"')),
    );
    assert.match(summary, /role="alert" tabindex="-1" id="errors" autofocus/);
    assert.match(summary, /<a href="#field-email">The email address needs a name, an @ and a domain\.<\/a>/);
    assert.match(summary, /<a href="#field-lastName">Last name must not be empty\.<\/a>/);
    assert.doesNotMatch(summary, /field-firstName|field-justification/);

    const email = fieldHtml(res.body, 'email');
    assert.match(
      email,
      /<p class="error" id="field-email-error">The email address needs a name, an @ and a domain\.<\/p>/,
    );
    assert.match(
      email,
      /aria-describedby="field-email-hint field-email-error" aria-invalid="true" value="grace at navy"/,
    );
    assert.match(fieldHtml(res.body, 'lastName'), /id="field-lastName-error">Last name must not be empty\./);
    assert.match(fieldHtml(res.body, 'firstName'), /value="Grace"/);
    assert.doesNotMatch(fieldHtml(res.body, 'firstName'), /class="error"/);
    assert.match(fieldHtml(res.body, 'justification'), />Compilers<\/textarea>/);
    assert.equal((await t.db.store.listOpenRequestsByEmail('grace@navy')).length, 0);

    const again = await browser.post('/request', {
      ...ada,
      email: 'grace@navy.example',
      firstName: 'Grace',
      lastName: 'Hopper',
    });
    assert.equal(again.statusCode, 303, 'the re-rendered form carries a working CSRF token');
  });

  test('what the schema refuses (a repeated or missing field, a reason far too long) is a message beside the field', async () => {
    const browser = webClient(t.app);
    await browser.get('/request');
    const res = await browser.post('/request', {
      email: ['a@fabrikam.com', 'b@fabrikam.com'],
      firstName: 'Ada',
      lastName: 'L',
      justification: 'x'.repeat(2001),
    });
    assert.equal(res.statusCode, 400);
    assert.match(fieldHtml(res.body, 'email'), /Enter one email address of at most 254 characters\./);
    assert.match(fieldHtml(res.body, 'justification'), /Keep the reason to at most 1000 characters\./);
    assert.match(fieldHtml(res.body, 'firstName'), /value="Ada"/);
    const missing = await browser.post('/request', { email: 'c@fabrikam.com' });
    assert.equal(missing.statusCode, 400);
    assert.match(fieldHtml(missing.body, 'firstName'), /Enter your first name, at most 64 characters\./);
    assert.match(fieldHtml(missing.body, 'email'), /value="c@fabrikam\.com"/);
    assert.equal((await t.db.store.listOpenRequestsByEmail('c@fabrikam.com')).length, 0);
    const tooLong = await browser.post('/request', {
      ...ada,
      email: 'long@fabrikam.com',
      justification: 'é'.repeat(1001),
    });
    assert.match(fieldHtml(tooLong.body, 'justification'), /The reason must be at most 1000 characters\./);
  });

  test('hostile names come back as inert text; direction overrides are refused beside the field', async () => {
    const browser = webClient(t.app);
    await browser.get('/request');
    const res = await browser.post('/request', {
      email: 'not-an-address',
      firstName: '<script>alert(1)</script>',
      lastName: '"><img src=x onerror=alert(1)>',
      justification: '</textarea><script>alert(2)</script>',
    });
    assert.equal(res.statusCode, 400);
    const page = main(res.body);
    assert.doesNotMatch(page, /<script|<img|<\/textarea><script/);
    assert.match(fieldHtml(res.body, 'firstName'), /value="&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
    assert.match(fieldHtml(res.body, 'lastName'), /value="&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;"/);
    assert.match(
      fieldHtml(res.body, 'justification'),
      />&lt;\/textarea&gt;&lt;script&gt;alert\(2\)&lt;\/script&gt;<\/textarea>/,
    );

    const bidi = await browser.post('/request', { ...ada, email: 'bidi@fabrikam.com', lastName: 'Eve\u202Efdp.exe' });
    assert.equal(bidi.statusCode, 400);
    assert.match(
      fieldHtml(bidi.body, 'lastName'),
      /<p class="error" id="field-lastName-error">Last name must not contain characters that change the direction of text/,
    );
    assert.equal((await t.db.store.listOpenRequestsByEmail('bidi@fabrikam.com')).length, 0);

    // Accepted names with markup characters are stored as typed; the pages escape them.
    const marked = await browser.post('/request', { ...ada, email: 'marked@fabrikam.com', firstName: '<b>Bo</b>' });
    assert.equal(marked.statusCode, 303);
    assert.equal((await t.db.store.listOpenRequestsByEmail('marked@fabrikam.com'))[0]?.firstName, '<b>Bo</b>');
  });

  test('the answer is the same whatever already exists for the address', async () => {
    const answer = async (email: string) => {
      const browser = webClient(t.app);
      await browser.get('/request');
      const post = await browser.post('/request', { ...ada, email });
      const page = await browser.get('/request/sent');
      return {
        status: post.statusCode,
        location: post.headers.location,
        cookie: String(post.headers['set-cookie']).replace(email, 'EMAIL'),
        page: main(page.body).replace(email, 'EMAIL'),
      };
    };
    const fresh = await answer('fresh@fabrikam.com');
    const waiting = await answer('fresh@fabrikam.com'); // one waits for confirmation already
    const underWay = 'underway@fabrikam.com';
    const admin = await t.app.inject({
      method: 'POST',
      url: '/api/v1/access-requests',
      headers: t.admin,
      payload: { ...ada, email: underWay },
    });
    assert.equal(admin.json().status, 'pending_approval');
    const duplicate = await answer(underWay);
    assert.deepEqual(waiting, fresh);
    assert.deepEqual(duplicate, fresh);
    assert.equal(fresh.status, 303);
  });

  test('without a valid CSRF token the post is a 403 page and nothing is stored', async () => {
    const browser = webClient(t.app);
    await browser.get('/request');
    const forged = await browser.post('/request', { ...ada, email: 'csrf@fabrikam.com', _csrf: 'forged' });
    assert.equal(forged.statusCode, 403);
    assert.match(forged.headers['content-type'] as string, /text\/html/);
    assert.match(forged.body, /This form has expired or did not come from this site/);
    const stranger = webClient(t.app); // no CSRF cookie at all, as a cross-site post would be
    const missing = await stranger.post('/request', { ...ada, email: 'csrf@fabrikam.com' });
    assert.equal(missing.statusCode, 403);
    assert.equal((await t.db.store.listOpenRequestsByEmail('csrf@fabrikam.com')).length, 0);
  });

  test('/request/sent without a submission still says what happens next, with no address', async () => {
    const res = await webClient(t.app).get('/request/sent');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /We have sent an email to the address you gave/);
  });

  test('/ leads to the form', async () => {
    const res = await webClient(t.app).get('/');
    assert.match(res.body, /<a class="button" href="\/request">Ask for access<\/a>/);
  });
});

test('a filled honeypot gets the same answer as a person, stores nothing, and logs no data', async () => {
  let output = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      output += chunk.toString();
      done();
    },
  });
  const t = await testApp({ logger: createLogger('info', sink) });
  try {
    const browser = webClient(t.app);
    await browser.get('/request');
    const bot = await browser.post('/request', { ...ada, email: 'honey@fabrikam.com', website: 'http://spam.example' });
    assert.equal(bot.statusCode, 303);
    assert.equal(bot.headers.location, '/request/sent');
    assert.match(String(bot.headers['set-cookie']), /^guestlist-request-sent=honey@fabrikam\.com;/);
    assert.match((await browser.get('/request/sent')).body, /<strong class="address">honey@fabrikam\.com<\/strong>/);
    assert.equal((await t.db.store.listOpenRequestsByEmail('honey@fabrikam.com')).length, 0);
    assert.deepEqual(await t.db.jobs.listJobs(), []);
    assert.match(output, /"level":30[^\n]*honeypot field was filled in; nothing stored/);
    assert.doesNotMatch(output, /honey@fabrikam|spam\.example|Lovelace/);
  } finally {
    await t.close();
  }
});

test('the form and the API share one anonymous allowance; over it, a friendly 429 page with Retry-After', async () => {
  const t = await testApp({ submissionsPerMinute: 2 });
  try {
    const browser = webClient(t.app);
    await browser.get('/request');
    const api = await t.app.inject({ method: 'POST', url: '/api/v1/access-requests', payload: ada });
    assert.equal(api.statusCode, 202);
    assert.equal((await browser.post('/request', ada)).statusCode, 303);
    const limited = await browser.post('/request', ada);
    assert.equal(limited.statusCode, 429);
    assert.match(limited.headers['content-type'] as string, /text\/html/);
    assert.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After says when');
    assert.match(limited.body, /<h1>Please wait a moment<\/h1>/);
    assert.match(limited.body, /Wait a minute, then try again\./);
    const apiToo = await t.app.inject({ method: 'POST', url: '/api/v1/access-requests', payload: ada });
    assert.equal(apiToo.statusCode, 429, 'the API has no allowance of its own');

    const staff = webClient(t.app);
    await signIn(t, staff, 'approver');
    await staff.get('/request');
    const signedIn = await staff.post('/request', { ...ada, email: 'staff.asks@fabrikam.com' });
    assert.equal(signedIn.statusCode, 303, 'signed-in staff are not counted');
    const [request] = await t.db.store.listOpenRequestsByEmail('staff.asks@fabrikam.com');
    assert.equal(request?.status, 'pending_verification', 'the form never vouches for an address');
  } finally {
    await t.close();
  }
});

test('branding: logo, accent colour, intro text and privacy link', async () => {
  const t = await testApp({
    branding: {
      ...TEST_BRANDING,
      organizationName: 'Tailspin Toys',
      appName: 'Partner Hub',
      logoUrl: 'https://cdn.tailspin.example/logo.svg',
      accentColor: '#8a2be2',
      introText: 'Partners of Tailspin <ask> here.',
      privacyUrl: 'https://tailspin.example/privacy',
    },
  });
  try {
    const res = await webClient(t.app).get('/request');
    assert.match(res.body, /<img src="https:\/\/cdn\.tailspin\.example\/logo\.svg" alt="Tailspin Toys" class="logo">/);
    assert.match(res.body, /<h1>Ask for access to Partner Hub<\/h1>/);
    assert.match(res.body, /<p class="intro">Partners of Tailspin &lt;ask&gt; here\.<\/p>/);
    assert.match(
      res.body,
      /<button type="submit">Ask for access<\/button>\s*<a href="https:\/\/tailspin\.example\/privacy">How we use your data<\/a>/,
    );
    assert.match(
      res.headers['content-security-policy'] as string,
      /img-src 'self' data: https:\/\/cdn\.tailspin\.example/,
    );
    const css = await t.app.inject({ url: '/brand.css' });
    assert.match(css.body, /--accent: #8a2be2;/);
  } finally {
    await t.close();
  }
  const plain = await testApp();
  try {
    const res = await webClient(plain.app).get('/request');
    assert.doesNotMatch(res.body, /How we use your data/, 'no privacy link unless configured');
    assert.match(res.body, /<p class="intro">Tell us who you are\./);
  } finally {
    await plain.close();
  }
});
