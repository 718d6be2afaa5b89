// HTML written by hand, escaped by default: every value put into `html\`…\`` is escaped
// unless it is itself the result of `html` (a Raw). There is no other way to build markup
// in web/, so a requester's name can never become markup by accident.
import { escapeHtml } from '../../domain/html.ts';

export class Raw {
  readonly html: string;
  constructor(value: string) {
    this.html = value;
  }
}

/** A tagged template: escapes each value; arrays of Raw are joined; null/undefined/false render nothing. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Raw(out);
}

function render(value: unknown): string {
  if (value instanceof Raw) return value.html;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}
