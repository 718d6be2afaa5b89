import assert from 'node:assert/strict';
import { test } from 'node:test';
import { graphScope, isMicrosoftAuthority } from '../../../src/adapters/directory/credential.ts';
import { isGranted, requiredPermissions } from '../../../src/adapters/directory/permissions.ts';

test('instance discovery stays on only for Microsoft authority hosts', () => {
  assert.equal(isMicrosoftAuthority('https://login.microsoftonline.com'), true);
  assert.equal(isMicrosoftAuthority('https://login.microsoftonline.us/'), true);
  assert.equal(isMicrosoftAuthority('https://login.chinacloudapi.cn'), true);
  assert.equal(isMicrosoftAuthority('https://127.0.0.1:8443'), false);
  assert.equal(isMicrosoftAuthority('https://login.microsoftonline.com.evil.example'), false);
});

test('the scope is the Graph resource of the cloud; anything else stands in for the global one', () => {
  assert.equal(graphScope('https://graph.microsoft.com'), 'https://graph.microsoft.com/.default');
  assert.equal(graphScope('https://graph.microsoft.us'), 'https://graph.microsoft.us/.default');
  assert.equal(graphScope('https://localhost:8443'), 'https://graph.microsoft.com/.default');
});

test('required permissions, and the broader ones that imply them', () => {
  assert.deepEqual(
    requiredPermissions({ groups: false }).map((p) => p.name),
    ['User.Invite.All', 'User.Read.All'],
  );
  const [invite, read, groups] = requiredPermissions({ groups: true });
  assert.equal(groups?.name, 'GroupMember.ReadWrite.All');
  assert.equal(isGranted(invite!, ['User.ReadWrite.All']), true);
  assert.equal(isGranted(read!, ['Directory.Read.All']), true);
  assert.equal(isGranted(read!, ['User.ReadBasic.All']), false);
  assert.equal(isGranted(groups!, ['Group.ReadWrite.All']), true);
  assert.equal(isGranted(groups!, ['GroupMember.Read.All']), false);
});

test('a federated assertion is asked for the token-exchange audience of its cloud', async () => {
  const { tokenExchangeScope } = await import('../../../src/adapters/directory/credential.ts');
  assert.equal(tokenExchangeScope('https://login.microsoftonline.com'), 'api://AzureADTokenExchange/.default');
  assert.equal(tokenExchangeScope('https://login.microsoftonline.us'), 'api://AzureADTokenExchangeUSGov/.default');
  assert.equal(tokenExchangeScope('https://login.chinacloudapi.cn'), 'api://AzureADTokenExchangeChina/.default');
  assert.equal(tokenExchangeScope('https://127.0.0.1:8443'), 'api://AzureADTokenExchange/.default');
});
