// The API's OpenAPI document (/api/v1/openapi.json) and its interactive reference
// (/api/docs, Swagger UI through @fastify/swagger-ui).
//
// Routes declare what they are (summary, operationId, tags, schemas); who may call them is
// the access table's alone (http/access.ts), so the document's per-operation `security`,
// its `x-guestlist-roles` extension and the sentence about roles in each description are
// derived from that table here, never written a second time beside the route. Likewise
// every error response points at one `Problem` component, as application/problem+json.
//
// @fastify/swagger sits at the root (its onRoute hook must see the API's routes, and the
// reference page outside the API needs its document); only tagged routes are documented,
// which every API route is (test/http/openapi.test.ts checks), and no page is.
import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { Access } from '../access.ts';
import { API_DOCS_PREFIX } from '../api-prefix.ts';
import { Problem } from './schemas.ts';

/** Served at /api/docs/static/theme/<this name>. */
export const THEME_FILE = 'guestlist.css';

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

/** Registers the OpenAPI generator; call before any API route is registered. */
export async function registerOpenApi(app: FastifyInstance, access: Readonly<Record<string, Access>>) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Guestlist API',
        version: '1',
        description:
          'Access requests that become Microsoft Entra B2B guests. Errors are application/problem+json (RFC 9457). ' +
          'Create a token with `guestlist token create NAME --role admin|approver`; each operation says which role it needs.',
      },
      tags: [
        { name: 'access requests', description: 'Ask for access, follow and decide requests.' },
        { name: 'sandbox', description: 'Sandbox mode only.' },
      ],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'guestlist token create' } },
      },
      security: [{ bearer: [] }],
    },
    hideUntagged: true,
    transformObject: (generated) =>
      'openapiObject' in generated
        ? finish(generated.openapiObject as OpenAPIV3_1.Document, access)
        : generated.swaggerObject,
  });
}

/** Registers the Swagger UI pages under /api/docs (their rows are in http/access.ts). */
export async function registerApiDocs(app: FastifyInstance) {
  await app.register(swaggerUi, {
    routePrefix: API_DOCS_PREFIX,
    theme: {
      title: 'Guestlist API reference',
      css: [{ filename: THEME_FILE, content: readFileSync(new URL('./docs-theme.css', import.meta.url), 'utf8') }],
    },
    // Swagger UI would otherwise send the document to validator.swagger.io for its badge.
    validatorUrl: false,
    // BaseLayout, not the standalone one: its top bar has a box to load any other document
    // (not ours to offer) and a logo drawn with an inline <style>, which the app's CSP
    // (style-src 'self', http/security-headers.ts) rightly blocks. Without it the page
    // runs under that CSP unchanged, with no exception for this route. No deep links: they
    // put a link inside each operation's button, which screen readers cannot announce
    // (axe: nested-interactive).
    uiConfig: { layout: 'BaseLayout', deepLinking: false },
  });
}

type Operation = OpenAPIV3_1.OperationObject<{ 'x-guestlist-roles'?: readonly string[] }>;

/** Adds to the generated document what the access table and the error shape say. */
export function finish(doc: OpenAPIV3_1.Document, access: Readonly<Record<string, Access>>): OpenAPIV3_1.Document {
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, Problem: problemSchema() } };
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(item ?? {}) as Array<[string, Operation]>) {
      if (typeof operation !== 'object' || !operation || !('responses' in operation)) continue;
      const key = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
      const rule = access[key];
      if (!rule) throw new Error(`${key} is documented but has no row in src/http/access.ts.`);
      describeAccess(operation, rule);
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (Number(status) < 400) continue;
        const description = (response as { description?: string }).description ?? 'Problem details (RFC 9457)';
        operation.responses![status] = {
          description,
          content: { 'application/problem+json': { schema: PROBLEM_REF } },
        };
      }
    }
  }
  return doc;
}

function describeAccess(operation: Operation, rule: Access): void {
  if (rule === 'public') {
    operation.security = [];
    operation['x-guestlist-roles'] = [];
    appendDescription(operation, 'Anyone may call this, without a token.');
    return;
  }
  // /metrics is not an API route; were one ever `scraper`, it takes the metrics token, not a role.
  if (rule === 'scraper') {
    operation.security = [{ bearer: [] }];
    operation['x-guestlist-roles'] = [];
    appendDescription(operation, 'Needs the metrics token (GUESTLIST_METRICS_TOKEN) as a bearer token.');
    return;
  }
  const roles = rule.roles.join(' or ');
  operation['x-guestlist-roles'] = rule.roles;
  if (rule.anonymous) {
    // `{}` first: no credential at all is one way to call it (OpenAPI's optional security).
    operation.security = [{}, { bearer: [] }];
    appendDescription(operation, `Anyone may call this without a token; a token must hold the ${roles} role.`);
  } else {
    operation.security = [{ bearer: [] }];
    appendDescription(operation, `Needs a bearer token with the ${roles} role.`);
  }
}

function appendDescription(operation: Operation, sentence: string): void {
  operation.description = operation.description ? `${operation.description}\n\n${sentence}` : sentence;
}

/** The TypeBox schema as plain JSON Schema (TypeBox may carry keys of its own). */
function problemSchema(): OpenAPIV3_1.SchemaObject {
  return JSON.parse(JSON.stringify(Problem), (key, value) => (key.startsWith('~') ? undefined : value));
}
