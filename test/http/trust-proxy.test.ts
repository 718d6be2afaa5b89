// Who the submission limit counts behind proxies (GUESTLIST_TRUST_PROXY). A client writes
// whatever X-Forwarded-For it likes; only what the trusted proxies appended may count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrustProxy } from '../../src/config-values.ts';
import { clientKey } from '../../src/http/submission-limit.ts';
import { testApp } from '../helpers/app.ts';

const person = { email: 'ada@fabrikam.com', firstName: 'Ada', lastName: 'Lovelace' };
const PROXY = '10.0.0.5';

async function limited(trustProxy: TrustProxy, perMinute = 2) {
  const t = await testApp({ submissionsPerMinute: perMinute, trustProxy });
  const send = (forwardedFor: string | null, remoteAddress = PROXY, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/access-requests',
      payload: person,
      headers: { ...(forwardedFor === null ? {} : { 'x-forwarded-for': forwardedFor }), ...headers },
      remoteAddress,
    });
  return { t, send };
}

test('with 1 hop behind one proxy, a spoofed X-Forwarded-For entry cannot buy a new allowance', async () => {
  const { t, send } = await limited({ hops: 1 });
  try {
    // The proxy appends the address that connected to it (203.0.113.7) after what the client sent.
    assert.equal((await send('198.51.100.1, 203.0.113.7')).statusCode, 202);
    assert.equal((await send('198.51.100.2, 203.0.113.7')).statusCode, 202);
    const third = await send('198.51.100.3, 203.0.113.7');
    assert.equal(third.statusCode, 429, 'a new forged leftmost address each time changes nothing');
    assert.equal((await send('203.0.113.8')).statusCode, 202, 'another real client has its own allowance');
  } finally {
    await t.close();
  }
});

test('without a hop count X-Forwarded-For is not believed; with 2 hops the second proxy’s entry is the client', async () => {
  const off = await limited(false, 1);
  try {
    assert.equal((await off.send('203.0.113.1')).statusCode, 202);
    assert.equal((await off.send('203.0.113.2')).statusCode, 429, 'all one client: the connecting proxy');
  } finally {
    await off.t.close();
  }
  const two = await limited({ hops: 2 }, 1);
  try {
    // client → CDN (appends the client) → load balancer (appends the CDN) → Guestlist.
    assert.equal((await two.send('198.51.100.1, 203.0.113.7, 192.0.2.10')).statusCode, 202);
    assert.equal((await two.send('198.51.100.2, 203.0.113.7, 192.0.2.11')).statusCode, 429);
    assert.equal((await two.send('203.0.113.8, 192.0.2.10')).statusCode, 202);
  } finally {
    await two.t.close();
  }
});

test("with the proxies' addresses, a client that reaches Guestlist directly cannot name itself", async () => {
  const { t, send } = await limited({ addresses: ['10.0.0.0/8'] }, 1);
  try {
    assert.equal((await send('203.0.113.1', '198.51.100.9')).statusCode, 202);
    assert.equal((await send('203.0.113.2', '198.51.100.9')).statusCode, 429, 'not a trusted proxy: XFF ignored');
    assert.equal((await send('198.51.100.1, 203.0.113.3')).statusCode, 202, 'through the proxy: the appended entry');
    assert.equal((await send('198.51.100.2, 203.0.113.3')).statusCode, 429);
  } finally {
    await t.close();
  }
});

test('an address with a port (as App Service and Application Gateway append it) is one client whatever the port', async () => {
  const { t, send } = await limited({ hops: 1 }, 1);
  try {
    assert.equal((await send('203.0.113.7:50123')).statusCode, 202);
    assert.equal((await send('203.0.113.7:50124')).statusCode, 429);
  } finally {
    await t.close();
  }
  const listed = await limited({ addresses: ['10.0.0.0/8'] }, 1);
  try {
    assert.equal((await listed.send('198.51.100.1, 203.0.113.7:50123')).statusCode, 202);
    assert.equal((await listed.send('198.51.100.2, 203.0.113.7:50124')).statusCode, 429, 'with listed proxies too');
  } finally {
    await listed.t.close();
  }
  assert.equal(clientKey('203.0.113.7:443'), '203.0.113.7');
  assert.equal(clientKey('[2001:db8::1]:443'), clientKey('2001:db8::1'));
  assert.equal(clientKey('2001:db8::1'), clientKey('2001:db8:0:0:ff::2'), 'IPv6 counts by /56');
});

test('token callers never use up the anonymous allowance of their address', async () => {
  const { t, send } = await limited(false, 2);
  try {
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/access-requests',
        payload: { ...person, email: `import${i}@fabrikam.com` },
        headers: t.admin,
        remoteAddress: PROXY,
      });
      assert.equal(res.statusCode, 202, res.body);
    }
    assert.equal((await send(null)).statusCode, 202, 'the public allowance is untouched');
    assert.equal((await send(null)).statusCode, 202);
    assert.equal((await send(null)).statusCode, 429);
  } finally {
    await t.close();
  }
});
