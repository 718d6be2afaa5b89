// `guestlist doctor`'s mail check against real SMTP conversations (smtp-server): each
// failure is one ✗ line naming the cause, with the fix, and never the password.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configFor, doctor, failures } from './doctor-fixtures.ts';
import { closedPort, PASSWORD, startSilentPort, startSmtp, USER } from './smtp-fixtures.ts';
import { testCa } from './tls-fixtures.ts';

const login = `${USER}:${encodeURIComponent(PASSWORD)}`;

test('STARTTLS with a trusted certificate and an accepted login: ✓, and nothing is sent', async (t) => {
  const ca = await testCa();
  const smtp = await startSmtp(t, { tls: await ca.leaf('localhost') });
  const { code, output } = await doctor(configFor(null, { smtpUrl: `smtp://${login}@localhost:${smtp.port}` }), {
    ca: ca.caPem,
  });
  assert.equal(code, 0, output);
  assert.match(
    output,
    new RegExp(
      `✓ Mail server localhost:${smtp.port} answered \\(STARTTLS where the server offers it\\), and accepted the login as "${USER}"; nothing was sent\\.`,
    ),
  );
  assert.deepEqual(smtp.logins, [{ user: USER, secure: true }], 'logged in over STARTTLS');
  assert.deepEqual(smtp.messages, []);
  assert.ok(!output.includes(PASSWORD));
});

test('smtps:// (TLS from the start) with an accepted login: ✓', async (t) => {
  const ca = await testCa();
  const smtp = await startSmtp(t, { tls: await ca.leaf('localhost'), secure: true });
  const { code, output } = await doctor(configFor(null, { smtpUrl: `smtps://${login}@localhost:${smtp.port}` }), {
    ca: ca.caPem,
  });
  assert.equal(code, 0, output);
  assert.match(output, /✓ Mail server localhost:\d+ answered over TLS \(smtps:\/\/\)/);
  assert.equal(smtp.logins.length, 1);
});

test('nobody listening is ✗ ECONNREFUSED host:port with the fix (it used to be ✓)', async () => {
  const port = await closedPort();
  const { code, output } = await doctor(configFor(null, { smtpUrl: `smtp://${login}@127.0.0.1:${port}` }));
  assert.equal(code, 1);
  assert.deepEqual(failures(output), [
    `✗ Mail: Nobody is listening at 127.0.0.1:${port} (ECONNREFUSED 127.0.0.1:${port}).`,
  ]);
  assert.match(output, /→ Check the host and port in SMTP_URL \(smtp:\/\/ with STARTTLS on port 587/);
});

test('a name that does not resolve is ✗ with the DNS error', async () => {
  const { code, output } = await doctor(configFor(null, { smtpUrl: `smtps://${login}@smtp.guestlist.invalid` }));
  assert.equal(code, 1);
  assert.match(output, /✗ Mail: The mail server's name does not resolve \(.*(ENOTFOUND|EAI_AGAIN).*\)\./);
  assert.match(output, /→ Check the host name in SMTP_URL/);
  assert.ok(!output.includes(PASSWORD));
});

test('a certificate from an untrusted CA (STARTTLS) is ✗ "not trusted" with the fix', async (t) => {
  const ca = await testCa();
  const smtp = await startSmtp(t, { tls: await ca.leaf('localhost') });
  const { code, output } = await doctor(configFor(null, { smtpUrl: `smtp://${login}@localhost:${smtp.port}` })); // no ca
  assert.equal(code, 1);
  assert.match(
    output,
    new RegExp(
      `✗ Mail: The TLS certificate of localhost:${smtp.port} is not trusted \\(UNABLE_TO_VERIFY_LEAF_SIGNATURE`,
    ),
  );
  assert.match(output, /→ .*NODE_EXTRA_CA_CERTS/);
  assert.deepEqual(smtp.logins, [], 'no login attempted over an untrusted connection');
});

test('a certificate for another name is ✗ "not issued for that name"', async (t) => {
  const ca = await testCa();
  const smtp = await startSmtp(t, { tls: await ca.leaf('mail.example.com') });
  const { code, output } = await doctor(configFor(null, { smtpUrl: `smtp://${login}@127.0.0.1:${smtp.port}` }), {
    ca: ca.caPem,
  });
  assert.equal(code, 1);
  assert.match(
    output,
    new RegExp(
      `✗ Mail: The TLS certificate of 127.0.0.1:${smtp.port} is not issued for that name \\(ERR_TLS_CERT_ALTNAME_INVALID`,
    ),
  );
  assert.match(output, /→ Use in SMTP_URL the host name the certificate names/);
});

test("a refused login is ✗ with the server's reply code and text, never the password", async (t) => {
  const ca = await testCa();
  const smtp = await startSmtp(t, { tls: await ca.leaf('localhost'), refuseLogin: true });
  const { code, output } = await doctor(configFor(null, { smtpUrl: `smtp://${login}@localhost:${smtp.port}` }), {
    ca: ca.caPem,
  });
  assert.equal(code, 1);
  assert.deepEqual(failures(output), [
    `✗ Mail: localhost:${smtp.port} refused the login as "${USER}": 535 5.7.8 Authentication credentials invalid.`,
  ]);
  assert.match(output, /→ Check the user name and password in SMTP_URL/);
  assert.ok(!output.includes(PASSWORD) && !output.includes(encodeURIComponent(PASSWORD)), output);
});

test('a server that never greets is ✗ "did not answer in time"', async (t) => {
  const port = await startSilentPort(t);
  const { code, output } = await doctor(configFor(null, { smtpUrl: `smtp://${login}@127.0.0.1:${port}` }), {
    mailTimeoutMs: 300,
  });
  assert.equal(code, 1);
  assert.match(
    output,
    new RegExp(`✗ Mail: 127\\.0\\.0\\.1:${port} did not answer in time \\(Greeting never received\\)`),
  );
  assert.match(output, /→ A firewall may drop the connection; or the port expects TLS from the start/);
});

test('sandbox without SMTP_URL: a warning that mail stays in the sandbox outbox, not a failure', async () => {
  const { code, output } = await doctor(configFor(null));
  assert.equal(code, 0, output);
  assert.match(
    output,
    /^! SMTP_URL is not set: verification emails stay in the sandbox outbox \(GET \/api\/v1\/sandbox\/messages\)/m,
  );
});
