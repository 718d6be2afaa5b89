// `guestlist token list` as a table people read in a terminal: fixed columns, times in UTC
// to the minute, `-` for a token never used. Machines use `--json` instead.
import type { ListedApiToken } from '../app/list-api-tokens.ts';

const HEADINGS = ['ID', 'NAME', 'ROLE', 'CREATED (UTC)', 'EXPIRES (UTC)', 'LAST USED (UTC)', 'STATE'];

export function tokenTable(tokens: readonly ListedApiToken[]): string {
  if (tokens.length === 0) return 'No API tokens. Create one with: guestlist token create NAME --role admin|approver\n';
  const rows = tokens.map((token) => [
    token.id,
    token.name,
    token.role,
    minute(token.createdAt),
    minute(token.expiresAt),
    token.lastUsedAt ? minute(token.lastUsedAt) : '-',
    token.state,
  ]);
  const widths = HEADINGS.map((heading, i) => Math.max(heading.length, ...rows.map((row) => row[i]!.length)));
  return [HEADINGS, ...rows]
    .map(
      (row) =>
        `${row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}

function minute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')}`;
}
