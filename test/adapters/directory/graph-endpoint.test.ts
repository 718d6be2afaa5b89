// Graph paths as metric labels: Graph's own words kept, anything else (ids, addresses) {id}.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { graphEndpoint } from '../../../src/adapters/directory/graph-endpoint.ts';

test('ids, addresses and query strings never reach a label', () => {
  const cases: Array<[string, string]> = [
    ['https://graph.microsoft.com/v1.0/invitations', '/v1.0/invitations'],
    ["https://graph.microsoft.com/v1.0/users?$filter=mail eq 'ada@fabrikam.com'&$select=id", '/v1.0/users'],
    ['https://graph.microsoft.com/v1.0/users/0b7e6c1a-2b3c-4d5e-8f90-0a1b2c3d4e5f', '/v1.0/users/{id}'],
    ['https://graph.microsoft.com/v1.0/users/ada%40fabrikam.com', '/v1.0/users/{id}'],
    ['https://graph.microsoft.com/v1.0/groups/g-1/members/$ref', '/v1.0/groups/{id}/members/$ref'],
    ['https://graph.microsoft.com/v1.0/groups/g-1/members/u-1/$ref', '/v1.0/groups/{id}/members/{id}/$ref'],
    ['https://127.0.0.1:8443/v1.0/organization', '/v1.0/organization'],
    ['not a url', '{unparsed}'],
  ];
  for (const [url, endpoint] of cases) assert.equal(graphEndpoint(url), endpoint, url);
});
