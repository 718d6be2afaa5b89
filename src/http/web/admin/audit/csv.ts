// CSV for spreadsheets, safely. RFC 4180: every field quoted, quotes doubled, CRLF between
// records. Formula injection (OWASP "CSV Injection"): a cell starting with `=`, `+`, `-`,
// `@`, a tab or a carriage return is one a spreadsheet may run as a formula, so it gets a
// leading `'`, which spreadsheets show as text. Requesters choose their names and
// addresses; they must not choose what runs on an auditor's machine.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | null | undefined): string {
  const text = value ?? '';
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

export function csvRecord(values: ReadonlyArray<string | null | undefined>): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
