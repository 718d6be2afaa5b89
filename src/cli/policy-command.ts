// `guestlist policy check [--app SLUG] EMAIL [--justification TEXT]`: the approval policy's
// dry run at the server, as the console's Policy check shows it: which rule would decide,
// and every rule's verdict in order. Reads only. The tenant is not asked (no Graph call from
// a one-shot command): existing_guest sees Guestlist's own requests only.
import { parseArgs } from 'node:util';
import { openDatabase } from '../adapters/store/index.ts';
import { createCatalogue, DEFAULT_APP_SLUG, defaultApp } from '../app/app-catalogue.ts';
import { checkPolicy, type PolicyCheck } from '../app/check-policy.ts';
import type { Config } from '../config.ts';
import { AppError, ValidationError } from '../domain/errors.ts';
import { systemClock } from '../main.ts';

export const POLICY_USAGE = `Usage: guestlist policy check [--app SLUG] EMAIL [--justification TEXT]
`;

export async function runPolicy(args: string[], config: Readonly<Config>): Promise<number> {
  const parsed = parse(args);
  if (!parsed) {
    process.stderr.write(POLICY_USAGE);
    return 2;
  }
  const db = await openDatabase(config.databaseUrl);
  try {
    await db.migrate();
    const catalogue = createCatalogue({
      store: db.store,
      defaultApp: defaultApp({
        name: config.branding.appName,
        redirectUrl: config.invitation.redirectUrl ?? `${config.publicUrl}/welcome`,
        groupIds: config.invitation.groupIds,
      }),
    });
    const app = await catalogue.bySlug(parsed.slug);
    if (!app) {
      process.stderr.write(`No app has the slug "${parsed.slug}".\n`);
      return 1;
    }
    const result = await checkPolicy(
      { store: db.store, clock: systemClock, policyFor: async () => app.policy },
      { email: parsed.email, justification: parsed.justification, appId: app.id },
    );
    process.stdout.write(`App: ${app.name} (${app.slug})\n${report(result)}`);
    return 0;
  } catch (error) {
    if (error instanceof ValidationError) {
      process.stderr.write(`${(error.fields ?? []).map((f) => f.message).join('\n') || error.message}\n`);
      return 1;
    }
    if (error instanceof AppError && error.expose) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}

/** The decision, then each rule's verdict in order (the one that decided marked). */
export function report(result: PolicyCheck): string {
  const { decision } = result;
  const outcome =
    decision.outcome === 'approve'
      ? `approve: ${decision.why}`
      : decision.outcome === 'reject'
        ? `reject: ${decision.reason} (${result.shareReason ? 'the requester reads this' : 'not shown to the requester'})`
        : `ask stage ${decision.stage + 1}: ${decision.why}`;
  const width = Math.max(...result.trace.map((each) => each.rule.length));
  const lines = result.trace.map(({ rule, verdict }, index) => {
    const said = verdict.verdict === 'reject' ? verdict.reason : verdict.why;
    const name = verdict.verdict === 'ask' ? `ask ${verdict.stage + 1}` : verdict.verdict;
    const mark = index === result.decidedBy ? '  <- decides' : index > result.decidedBy ? '  (not reached)' : '';
    return `  ${index + 1}. ${rule.padEnd(width)}  ${name.padEnd(8)}  ${said}${mark}`;
  });
  return [
    `Address: ${result.email}`,
    `Decision: ${decision.rule}, ${outcome}`,
    ...(result.note ? [`Note: ${result.note}`] : []),
    'Rules, in order:',
    ...lines,
    '',
  ].join('\n');
}

function parse(args: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { app: { type: 'string' }, justification: { type: 'string' } },
    });
    const [action, email, ...extra] = positionals;
    if (action !== 'check' || !email || extra.length > 0) return null;
    return { slug: values.app ?? DEFAULT_APP_SLUG, email, justification: values.justification };
  } catch {
    return null;
  }
}
