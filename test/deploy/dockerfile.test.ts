// The Dockerfile's essentials, read as text (these machines have no container daemon to
// build it; .ci/production-check runs the same steps outside a container).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const dockerfile = readFileSync('Dockerfile', 'utf8');
/** The instructions, continuation lines joined and comments dropped. */
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const all = (keyword: string) => instructions.filter((line) => line.startsWith(`${keyword} `));
const env = Object.fromEntries(
  all('ENV').flatMap((line) => [...line.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]] as const)),
);

test('the image is Node.js 24 slim, with production dependencies only and no install scripts', () => {
  assert.match(all('FROM')[0] ?? '', /^FROM node:24-slim(@sha256:[0-9a-f]{64})?$/);
  const install = all('RUN').find((line) => line.includes('npm ci'));
  assert.ok(install, 'npm ci installs the dependencies');
  assert.match(install, /--omit=dev/);
  assert.match(install, /--ignore-scripts/);
  assert.deepEqual(all('COPY'), ['COPY package.json package-lock.json ./', 'COPY bin ./bin', 'COPY src ./src']);
});

test('it runs as a non-root user, listens on every interface, and keeps its data on a volume', () => {
  const users = all('USER');
  assert.equal(users.length, 1);
  assert.doesNotMatch(users[0]!, /^USER (root|0)(:|$)/);
  assert.ok(
    instructions.indexOf(users[0]!) < instructions.findIndex((line) => line.startsWith('ENTRYPOINT ')),
    'USER comes before the entry point',
  );
  assert.equal(env.HOST, '0.0.0.0');
  assert.equal(env.NODE_ENV, 'production');
  assert.ok(env.GUESTLIST_DATA_DIR);
  assert.deepEqual(all('VOLUME'), [`VOLUME ["${env.GUESTLIST_DATA_DIR}"]`]);
  assert.ok(
    all('RUN').some((line) => line.includes(`chown node:node ${env.GUESTLIST_DATA_DIR}`)),
    'the unprivileged user owns the data folder',
  );
});

test('a health check on /healthz without curl, and node as PID 1 for SIGTERM', () => {
  const [healthcheck] = all('HEALTHCHECK');
  assert.ok(healthcheck);
  const command = JSON.parse(/CMD (\[.*\])$/.exec(healthcheck)![1]!) as string[];
  assert.equal(command[0], 'node');
  assert.match(command.join(' '), /fetch\(.*\/healthz/);
  assert.deepEqual(all('ENTRYPOINT'), ['ENTRYPOINT ["node", "bin/guestlist.js"]'], 'exec form: no shell in between');
  assert.deepEqual(all('CMD'), ['CMD ["serve"]']);
});

test('.dockerignore keeps local data, secrets and dependencies out of the build context', () => {
  const ignored = readFileSync('.dockerignore', 'utf8').split('\n');
  for (const entry of ['node_modules', '.env', 'data', '.git', 'test']) assert.ok(ignored.includes(entry), entry);
});
