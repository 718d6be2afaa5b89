// GET /admin/audit: the audit trail across every request, newest first, a page at a time,
// filtered. GET /admin/audit.csv: the same filters, every matching entry, streamed a page at
// a time (never the whole trail in memory). Admins only (http/access.ts).
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ValidationError } from '../../../../domain/errors.ts';
import type { AuditTrailQuery } from '../../../../ports.ts';
import { sendPage } from '../../render.ts';
import { type ConsoleDeps, consoleContext } from '../console.ts';
import { auditBody } from './audit-page.ts';
import { csvRecord } from './csv.ts';
import { AuditQuery, auditHref, auditQuery } from './filters.ts';

const PAGE_SIZE = 50;
const CSV_BATCH = 500;

export const auditRoutes: FastifyPluginAsyncTypebox<ConsoleDeps> = async (app, deps) => {
  app.get('/admin/audit', { schema: { querystring: AuditQuery } }, async (request, reply) => {
    const { filters, query, errors } = auditQuery(request.query);
    const { after } = request.query;
    const valid = Object.keys(errors).length === 0;
    const page = valid
      ? await deps.queries.listAuditTrail({ ...query, limit: PAGE_SIZE, ...(after ? { after } : {}) })
      : { items: [], next: null };
    const { ctx } = await consoleContext(deps, request, reply);
    const body = auditBody({
      filters,
      errors,
      items: page.items,
      olderHref: page.next ? auditHref('/admin/audit', filters, page.next) : null,
      newestHref: after ? auditHref('/admin/audit', filters) : null,
      csvHref: auditHref('/admin/audit.csv', filters),
    });
    return sendPage(reply, ctx, { title: 'Audit trail', body, section: 'audit' }, valid ? 200 : 400);
  });

  app.get('/admin/audit.csv', { schema: { querystring: AuditQuery } }, async (request, reply) => {
    const { query, errors } = auditQuery(request.query);
    const problems = Object.entries(errors).map(([name, message]) => ({ field: `/${name}`, message }));
    if (problems.length > 0) throw new ValidationError('The filters are not valid.', problems);
    const stamp = deps.clock.now().toISOString().slice(0, 10);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="guestlist-audit-${stamp}.csv"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(auditCsv(deps, query)));
  });
};

async function* auditCsv(deps: ConsoleDeps, query: Omit<AuditTrailQuery, 'limit' | 'after'>): AsyncGenerator<string> {
  yield csvRecord(['at', 'actor', 'action', 'request id', 'email', 'from', 'to', 'reason']);
  let after: string | undefined;
  do {
    const page = await deps.queries.listAuditTrail({ ...query, limit: CSV_BATCH, ...(after ? { after } : {}) });
    for (const e of page.items) {
      yield csvRecord([
        e.at.toISOString(),
        e.actor,
        e.action,
        e.requestId,
        e.email,
        e.fromStatus,
        e.toStatus,
        e.reason,
      ]);
    }
    after = page.next ?? undefined;
  } while (after);
}
