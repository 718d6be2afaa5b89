// The one email shell: a text and an HTML part from the same blocks, the organization's
// branding, every string escaped in HTML, bidi controls removed, subjects one line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brandedEmail, headerText } from '../../src/app/email-shell.ts';

const HOSTILE_NAME = '<script>alert(1)</script>"><img src=x onerror=alert(1)>\u202Eexe.pdf';

test('hostile names, answers and reasons are escaped in HTML and kept readable in text', () => {
  const mail = brandedEmail({
    to: ['approver@contoso.com'],
    subject: `Request from ${HOSTILE_NAME}`,
    branding: { organizationName: 'Contoso & <Sons>', appName: 'Portal "X"' },
    blocks: [
      { kind: 'paragraph', text: `Hello ${HOSTILE_NAME}` },
      { kind: 'quote', label: 'Why:', text: 'line 1\r\n<b>line 2</b>\u2028line 3' },
      { kind: 'facts', items: [{ label: 'Company <q>', value: `'; DROP TABLE --<iframe>` }] },
      { kind: 'item', title: HOSTILE_NAME, links: [{ label: 'Approve', url: 'https://gl.test/r/1?a=1&b="2"' }] },
      { kind: 'button', label: 'Open <it>', url: 'https://gl.test/x' },
      { kind: 'link', label: 'Sneaky', url: 'javascript:alert(1)' },
    ],
  });
  const html = mail.html!;
  for (const raw of ['<script>', '<img', '<iframe>', '<b>line', '<q>', '<Sons>', '<it>', 'javascript:']) {
    assert.ok(!html.includes(raw), `unescaped ${raw}`);
  }
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;exe\.pdf/);
  assert.match(html, /href="https:\/\/gl\.test\/r\/1\?a=1&amp;b=&quot;2&quot;"/);
  assert.match(html, /line 1<br>&lt;b&gt;line 2&lt;\/b&gt;<br>line 3/);
  assert.doesNotMatch(html + mail.text, /[\u202a-\u202e\u2066-\u2069]/u);
  assert.match(mail.text, /Why:\n> line 1\n> <b>line 2<\/b>\n> line 3/);
  assert.match(mail.text, /Company <q>: '; DROP TABLE --<iframe>/);
  assert.match(mail.text, /Sneaky: javascript:alert\(1\)/, 'shown as text, never a link');
  assert.match(mail.text, /-- \nContoso & <Sons>, through Guestlist$/);
  assert.doesNotMatch(mail.subject, /[\r\n\u2028\u2029\u0085]/u);
});

test('branding: the logo with the organization as its alt text; a pale accent gets dark button text', () => {
  const pale = brandedEmail({
    to: ['a@b.example'],
    subject: 's',
    branding: {
      organizationName: 'Contoso',
      appName: 'Portal',
      logoUrl: 'https://cdn.contoso.com/logo.png?a=1&b=2',
      accentColor: '#ffdd00',
    },
    blocks: [
      { kind: 'button', label: 'Go', url: 'https://gl.test/' },
      { kind: 'link', label: 'Link', url: 'https://gl.test/l' },
    ],
  }).html!;
  assert.match(pale, /<img src="https:\/\/cdn\.contoso\.com\/logo\.png\?a=1&amp;b=2" alt="Contoso"/);
  assert.match(pale, /background: #ffdd00; color: #1b1b1f/, 'dark text on a pale button');
  assert.match(pale, /href="https:\/\/gl\.test\/l" style="color: #0b57d0"/, 'a link too pale for white falls back');
  const dark = brandedEmail({
    to: ['a@b.example'],
    subject: 's',
    branding: { organizationName: null, appName: 'Portal', accentColor: '#5c2d91' },
    blocks: [{ kind: 'button', label: 'Go', url: 'https://gl.test/' }],
  });
  assert.match(dark.html!, /background: #5c2d91; color: #ffffff/);
  assert.match(
    dark.html!,
    /<strong style="font-size: 18px">Portal<\/strong>/,
    'no logo, no organization: the app name',
  );
  assert.match(dark.text, /Sent by Guestlist for an organization using Microsoft Entra ID$/);
});

test('headerText: every line break and control becomes one space; bounded', () => {
  assert.equal(headerText('a\r\nBcc: x\u2028y\u2029z\u0085w\u000bv\tu'), 'a Bcc: x y z w v u');
  assert.equal(headerText('x'.repeat(300)).length, 200);
});
