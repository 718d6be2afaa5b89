// Assigning an app role through the Graph adapter against the emulator
// (POST /servicePrincipals/{id}/appRoleAssignedTo): 201 the first time, Graph's 400 for an
// existing assignment taken as success, and Graph's refusals passed on, classified.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGraphDirectory } from '../../../src/adapters/directory/index.ts';
import { DirectoryError } from '../../../src/domain/directory-error.ts';
import { ALL_ROLES, appConfig, startTenant } from './emulated-tenant.ts';

const SP = '0c6e4f7a-1d2b-4c3d-8e9f-0a1b2c3d4e5f';
const ROLE = '7d0c9b8a-6f5e-4d3c-2b1a-0f9e8d7c6b5a';

test('an app role is assigned once; assigning it again is success; an unknown role or principal is refused', async (t) => {
  const em = await startTenant(t);
  em.addServicePrincipal({ id: SP, displayName: 'Partner wiki', appRoleIds: [ROLE] });
  const user = em.addUser({ mail: 'ann@fabrikam.com', userType: 'Guest' });
  const directory = createGraphDirectory({
    entra: await appConfig(em, [...ALL_ROLES, 'AppRoleAssignment.ReadWrite.All']),
    ca: em.caPem,
  });
  await directory.assignAppRole({ servicePrincipalId: SP, appRoleId: ROLE, userId: user.id });
  assert.deepEqual(em.appRoleAssignees(SP, ROLE), [user.id]);
  await directory.assignAppRole({ servicePrincipalId: SP, appRoleId: ROLE, userId: user.id });
  assert.deepEqual(em.appRoleAssignees(SP, ROLE), [user.id], 'still one assignment');

  const refused = async (input: { servicePrincipalId: string; appRoleId: string; userId: string }) => {
    try {
      await directory.assignAppRole(input);
    } catch (error) {
      assert.ok(error instanceof DirectoryError);
      return error;
    }
    assert.fail('expected a refusal');
  };
  const unknownRole = await refused({ servicePrincipalId: SP, appRoleId: SP, userId: user.id });
  assert.deepEqual([unknownRole.httpStatus, unknownRole.transient], [400, false]);
  assert.match(unknownRole.message, /Permission being assigned was not found on application/);
  const unknownUser = await refused({ servicePrincipalId: SP, appRoleId: ROLE, userId: ROLE });
  assert.deepEqual([unknownUser.httpStatus, unknownUser.graphCode], [404, 'Request_ResourceNotFound']);
  const unknownSp = await refused({ servicePrincipalId: ROLE, appRoleId: ROLE, userId: user.id });
  assert.equal(unknownSp.httpStatus, 404);
});

test('without AppRoleAssignment.ReadWrite.All the call is refused with 403', async (t) => {
  const em = await startTenant(t);
  em.addServicePrincipal({ id: SP, appRoleIds: [ROLE] });
  const user = em.addUser({ mail: 'ann@fabrikam.com', userType: 'Guest' });
  const directory = createGraphDirectory({ entra: await appConfig(em), ca: em.caPem });
  await assert.rejects(
    directory.assignAppRole({ servicePrincipalId: SP, appRoleId: ROLE, userId: user.id }),
    (error: unknown) => error instanceof DirectoryError && error.httpStatus === 403,
  );
  assert.deepEqual(em.appRoleAssignees(SP, ROLE), []);
});
