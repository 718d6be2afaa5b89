// Which CA each SDK trusts. The emulator's certificate is signed by its own CA: the
// credential (@azure/identity, via tlsOptions) and the Graph client's fetch (via an
// undici Agent) must each trust it when given `ca`, refuse it otherwise, and still honour
// NODE_EXTRA_CA_CERTS when no `ca` is given.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { createCredential, createGraphClient, graphScope } from '../../../src/adapters/directory/index.ts';
import { DirectoryError } from '../../../src/domain/directory-error.ts';
import { appConfig, startTenant } from './emulated-tenant.ts';

test('the credential trusts the emulator only when given its CA', async (t) => {
  const em = await startTenant(t);
  const entra = await appConfig(em);
  const scope = graphScope(entra.graphUrl);
  await assert.rejects(createCredential(entra).getToken(scope), /endpoints_resolution_error/);
  const token = await createCredential(entra, { ca: em.caPem }).getToken(scope);
  assert.ok(token?.token);
});

test("the Graph client's fetch trusts the emulator only when given its CA", async (t) => {
  const em = await startTenant(t);
  const entra = await appConfig(em);
  const credential = createCredential(entra, { ca: em.caPem }); // a token, so only fetch is tested
  const listUsers = (api: (path: string) => { get(): Promise<unknown> }) => api('/users').get();
  const untrusting = createGraphClient({ entra, credential });
  const error = await untrusting.call(listUsers).then(
    () => assert.fail('expected a TLS failure'),
    (err: unknown) => err,
  );
  assert.ok(error instanceof DirectoryError);
  assert.equal(error.graphCode, 'network');
  assert.equal(error.transient, true);
  assert.match(error.message, /UNABLE_TO_VERIFY_LEAF_SIGNATURE \(unable to verify the first certificate/);
  const trusting = createGraphClient({ entra, credential, ca: em.caPem });
  assert.ok(await trusting.call(listUsers));
});

test('without `ca`, NODE_EXTRA_CA_CERTS is honoured by both SDKs', async (t) => {
  const em = await startTenant(t);
  const entra = await appConfig(em);
  const user = em.addUser({ mail: 'kim@contoso.com' });
  // NODE_EXTRA_CA_CERTS is read once at process start, hence a child process.
  const script = `
    import { createGraphDirectory } from ${JSON.stringify(new URL('../../../src/adapters/directory/index.ts', import.meta.url).href)};
    const directory = createGraphDirectory({ entra: JSON.parse(process.env.ENTRA) });
    const [found] = await directory.findUsersByEmail('kim@contoso.com');
    process.stdout.write(found.user.id);`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: em.caPath, ENTRA: JSON.stringify(entra) },
  });
  assert.equal(stdout, user.id);
});
