// Tenant-wide reads: GET /organization (organization-get.md; `verifiedDomains` is what
// Microsoft's "customize the invitation API" page reads to rule out members' addresses)
// and GET /policies/authorizationPolicy (authorizationpolicy-get.md).
// Permissions (Application rows): Organization.Read.All, Directory.Read.All,
// Organization.ReadWrite.All, Directory.ReadWrite.All for the organization — User.Read,
// which also reads verifiedDomains, is delegated only (rbac-organization-apis-read.md);
// Policy.Read.All or Policy.ReadWrite.Authorization for the policy.
import { badRequest, resourceNotFound } from './errors.ts';
import { authorizationPolicyBody } from './invitation-policy.ts';
import type { GraphContext, GraphOperation, GraphReply, Route } from './types.ts';

function organization(ctx: GraphContext): Record<string, unknown> {
  const { state } = ctx;
  return {
    id: state.tenantId,
    deletedDateTime: null,
    businessPhones: [],
    city: null,
    country: null,
    countryLetterCode: null,
    createdDateTime: '2017-01-01T00:00:00Z',
    displayName: state.tenantName,
    onPremisesSyncEnabled: null,
    preferredLanguage: 'en',
    tenantType: 'AAD',
    verifiedDomains: [
      // The initial domain (`<name>.onmicrosoft.com`) is default until another is made so.
      {
        capabilities: 'Email, OfficeCommunicationsOnline',
        isDefault: state.verifiedDomains.length === 0,
        isInitial: true,
        name: state.tenantDomain,
        type: 'Managed',
      },
      ...state.verifiedDomains.map((name, i) => ({
        capabilities: 'Email, OfficeCommunicationsOnline',
        isDefault: i === 0,
        isInitial: false,
        name,
        type: 'Managed',
      })),
    ],
  };
}

function project(entity: Record<string, unknown>, op: GraphOperation): { select: string[] | null; body: object } {
  const raw = op.query.get('$select');
  const select = raw === null || raw.trim() === '' ? null : raw.split(',').map((name) => name.trim());
  if (!select) return { select, body: entity };
  const out: Record<string, unknown> = {};
  for (const name of select) {
    const key = Object.keys(entity).find((k) => k.toLowerCase() === name.toLowerCase());
    if (!key) throw badRequest(`Could not find a property named '${name}' on type 'microsoft.graph.organization'.`);
    out[key] = entity[key];
  }
  return { select, body: out };
}

function listOrganization(op: GraphOperation, _params: Record<string, string>, ctx: GraphContext): GraphReply {
  const { select, body } = project(organization(ctx), op);
  return {
    status: 200,
    body: {
      '@odata.context': `${ctx.origin}/v1.0/$metadata#organization${select ? `(${select.join(',')})` : ''}`,
      value: [body],
    },
  };
}

function getOrganization(op: GraphOperation, params: Record<string, string>, ctx: GraphContext): GraphReply {
  if ((params.id ?? '').toLowerCase() !== ctx.state.tenantId.toLowerCase()) throw resourceNotFound(params.id ?? '');
  const { select, body } = project(organization(ctx), op);
  return {
    status: 200,
    body: {
      '@odata.context': `${ctx.origin}/v1.0/$metadata#organization${select ? `(${select.join(',')})` : ''}/$entity`,
      ...body,
    },
  };
}

function getAuthorizationPolicy(_op: GraphOperation, _params: Record<string, string>, ctx: GraphContext): GraphReply {
  return { status: 200, body: authorizationPolicyBody(ctx.state.invitationPolicy, ctx.origin) };
}

export const tenantRoutes: Route[] = [
  {
    name: 'getOrganization',
    method: 'GET',
    pattern: ['organization'],
    permission: 'readOrganization',
    handle: listOrganization,
  },
  {
    name: 'getOrganization',
    method: 'GET',
    pattern: ['organization', ':id'],
    permission: 'readOrganization',
    handle: getOrganization,
  },
  {
    name: 'getAuthorizationPolicy',
    method: 'GET',
    pattern: ['policies', 'authorizationPolicy'],
    permission: 'readAuthorizationPolicy',
    handle: getAuthorizationPolicy,
  },
];
