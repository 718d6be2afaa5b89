// What a doctor check reports, and how each line prints: `✓ text`, `! text`, `✗ text`
// (the last two followed by `    → fix` when there is one) and `- skipped: what — why`
// (followed by `    → how to enable the check`, when that is up to the administrator).

export type Mark = '✓' | '!' | '✗' | 'skipped';

export interface Line {
  mark: Mark;
  /** For `skipped`: what was not checked, then why (see skipped()). */
  text: string;
  /** What to do; printed under a ✗ (or a !, or a skip that the administrator can enable). */
  fix?: string;
}

export function render(line: Line): string {
  const head = line.mark === 'skipped' ? `- skipped: ${line.text}` : `${line.mark} ${line.text}`;
  return `${head}\n${line.fix ? `    → ${line.fix}\n` : ''}`;
}

/** A check that could not run, saying why (listed, never silently left out). */
export function skipped(what: string, why: string): Line {
  return { mark: 'skipped', text: `${what} — ${why}` };
}
