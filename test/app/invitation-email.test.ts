import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invitationEmail } from '../../src/app/invitation-email.ts';

const base = {
  to: 'pat@fabrikam.com',
  firstName: 'Pat <b>',
  redeemUrl: 'https://login.example/redeem?a=1&b=2',
  branding: { organizationName: 'Contoso & "Sons"', appName: 'the <partner> portal' },
  customMessage: 'Bring <your> badge',
  resend: false,
};

test('every value is escaped in the HTML part and kept as typed in the text part', () => {
  const mail = invitationEmail(base);
  assert.equal(mail.subject, 'Contoso & "Sons" invites you to the <partner> portal');
  assert.ok(mail.text.includes('Hello Pat <b>,'));
  assert.ok(mail.text.includes('https://login.example/redeem?a=1&b=2'));
  const html = mail.html!;
  for (const raw of ['<b>', '<partner>', '<your>', '"Sons"']) assert.ok(!html.includes(raw), `unescaped ${raw}`);
  assert.ok(html.includes('Pat &lt;b&gt;'));
  assert.ok(html.includes('href="https://login.example/redeem?a=1&amp;b=2"'));
});

test('without an organization name it still says who invites; a resend says to use the new link', () => {
  const mail = invitationEmail({ ...base, branding: { organizationName: null, appName: 'Project X' }, resend: true });
  assert.equal(mail.subject, 'You are invited to Project X');
  assert.match(mail.text, /An organization using Microsoft Entra ID has approved/);
  assert.match(mail.text, /new invitation link; use it rather than any earlier one/);
  assert.match(mail.text, /consent page/);
});
