// A Graph URL as a metric label: its path with every segment that is not one of Graph's
// own words replaced by {id}. An allow-list, not a pattern for ids: a user's id, an email
// address used as a key (`/users/ada@fabrikam.com`) or anything new becomes {id}, so a label
// never carries personal data and the number of label values stays small. The query string
// ($filter with an address in it) is dropped.
const GRAPH_WORDS = new Set([
  'v1.0',
  'beta',
  'users',
  'groups',
  'invitations',
  'members',
  'owners',
  'memberOf',
  'organization',
  'domains',
  'applications',
  'servicePrincipals',
  'appRoleAssignments',
  'directoryObjects',
  'me',
  '$ref',
  '$batch',
  '$count',
  '$value',
  'delta',
]);

export function graphEndpoint(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return '{unparsed}';
  }
  const segments = path.split('/').filter(Boolean);
  return `/${segments.map((segment) => (GRAPH_WORDS.has(decodeURIComponent(segment)) ? decodeURIComponent(segment) : '{id}')).join('/')}`;
}
