// Requests too large to route: a path parameter over Fastify's 100 characters (414), a
// malformed URL (400), and headers past Node's 16 KB (431, answered before Fastify sees a
// request, so only a listening server shows it). Each is problem+json like every other
// error, and none echoes the URL: it may be huge, or carry what it should not.
import assert from 'node:assert/strict';
import { type AddressInfo, connect } from 'node:net';
import { after, before, test } from 'node:test';
import { type TestApp, testApp } from '../helpers/app.ts';

const MARKER = 'echo-me-not';
let t: TestApp;
let base: string;
before(async () => {
  t = await testApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
after(() => t.close());

async function assertProblem(res: Response, status: number, code: string): Promise<void> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  const body = JSON.parse(text);
  assert.equal(body.status, status);
  assert.equal(body.code, code);
  assert.ok(!text.includes(MARKER), `the answer echoes the request: ${text}`);
}

test('a path parameter over 100 characters is a 414', async () => {
  const id = MARKER.repeat(20);
  await assertProblem(await fetch(`${base}/api/v1/access-requests/${id}`, { headers: t.admin }), 414, 'uri_too_long');
  const page = await fetch(`${base}/api/v1/access-requests/${id}/approve`, { method: 'POST', headers: t.admin });
  await assertProblem(page, 414, 'uri_too_long');
});

test('a URL that does not decode is a 400', async () => {
  await assertProblem(await fetch(`${base}/api/v1/access-requests/${MARKER}%E0%A4%A`), 400, 'invalid_url');
});

/** One request written at once on a fresh connection, and all that comes back until it closes. */
function rawExchange(request: string): Promise<{ status: number; headers: string; body: string }> {
  const { port } = t.app.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(request));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
    });
  });
}

// Node answers these before Fastify sees a request, and closes the connection; a raw socket
// sends the whole request in one write, so the answer is not lost to a reset mid-upload.
for (const [name, request] of [
  ['headers over 16 KB', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: ${MARKER.repeat(1600)}\r\n\r\n`],
  ['a URL over 16 KB', `GET /api/v1/${MARKER.repeat(1600)} HTTP/1.1\r\nHost: x\r\n\r\n`],
] as const) {
  test(`${name}: 431`, async () => {
    const res = await rawExchange(request);
    assert.equal(res.status, 431, res.headers);
    assert.match(res.headers, /\r\ncontent-type: application\/problem\+json; charset=utf-8\r\n/);
    assert.equal(JSON.parse(res.body).code, 'headers_too_large');
    assert.ok(!res.body.includes(MARKER), res.body);
    assert.equal((await fetch(`${base}/healthz`)).status, 200, 'the server still answers');
  });
}
