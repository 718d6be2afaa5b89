// The doctor's check of GUESTLIST_GROUP_IDS: each group exists and can be read.
import { classifyGraphError } from '../adapters/directory/classify-graph-error.ts';
import { createGraphClient } from '../adapters/directory/graph-client.ts';
import type { Context } from './doctor.ts';
import { SANDBOX } from './doctor-entra-checks.ts';
import { type Line, skipped } from './doctor-lines.ts';

export async function checkGroups({ entra, token, noToken, deps }: Context): Promise<Line[]> {
  const { groupIds } = deps.config.invitation;
  if (groupIds.length === 0) return [skipped('Groups', 'GUESTLIST_GROUP_IDS is not set: no group to check.')];
  if (!entra || !token) return [skipped(`Groups ${groupIds.join(', ')}`, noToken ?? SANDBOX)];
  const graph = createGraphClient({ entra, ca: deps.ca });
  const lines: Line[] = [];
  for (const id of groupIds) {
    try {
      const group = (await graph.call((api) =>
        api(`/groups/${encodeURIComponent(id)}`)
          .select(['id', 'displayName'])
          .get(),
      )) as {
        displayName?: string;
      };
      lines.push({ mark: '✓', text: `Group ${id} ("${group.displayName ?? ''}") exists.` });
    } catch (err) {
      const error = classifyGraphError(err);
      lines.push(
        error.httpStatus === 404
          ? {
              mark: '✗',
              text: `Group ${id} was not found in the tenant.`,
              fix: "Fix GUESTLIST_GROUP_IDS: use the group's Object ID (Entra admin center → Groups → <group> → Overview).",
            }
          : error.httpStatus === 403
            ? {
                mark: '✗',
                text: `Cannot read group ${id}: ${error.describe()}`,
                fix: 'Grant GroupMember.ReadWrite.All with admin consent (see the permission line above).',
              }
            : { mark: '✗', text: `Cannot read group ${id}: ${error.describe()}` },
      );
    }
  }
  return lines;
}
