// Review: a name stored before names refused bidi controls must not reorder the invitation
// email either (the verification and requester emails already strip them).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invitationEmail } from '../../src/app/invitation-email.ts';

test('the invitation email strips bidi controls from the first name, in text and HTML', () => {
  const mail = invitationEmail({
    to: 'eve@example.org',
    firstName: 'Eve\u202Efdp.exe<b>',
    redeemUrl: 'https://login.example/redeem?x=1&y=2',
    branding: { organizationName: 'Contoso', appName: 'Portal' },
    resend: false,
  });
  assert.doesNotMatch(mail.text, /[\u202a-\u202e\u2066-\u2069]/u);
  assert.doesNotMatch(mail.html ?? '', /[\u202a-\u202e\u2066-\u2069]/u);
  assert.match(mail.html ?? '', /Evefdp\.exe&lt;b&gt;/);
});
