// Server-rendered pages: one layout, escaped text only. Every page says when it is
// a sandbox, so nobody mistakes the emulator for their real tenant.

import { escapeHtml } from '../../domain/html.ts';

export { escapeHtml };

/** A tagged template that escapes every interpolated value unless it is `raw()`. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += (value instanceof Raw ? value.html : escapeHtml(String(value ?? ''))) + (strings[i + 1] ?? '');
  });
  return new Raw(out);
}

export class Raw {
  readonly html: string;
  constructor(value: string) {
    this.html = value;
  }
}

export function page(input: { title: string; sandbox: boolean; body: Raw }): string {
  const banner = input.sandbox
    ? html`<div class="sandbox" role="note"><strong>Sandbox.</strong> Microsoft Entra is emulated here: no real
        invitation is sent and no real tenant is touched.</div>`
    : html``;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title} · Guestlist</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1b1b1f; background: #f6f6f8; }
  .brand, main { max-width: 42rem; margin: 0 auto; padding: 1rem 1.5rem; }
  .brand { font-weight: 700; }
  .sandbox { background: #fff4ce; border-bottom: 2px solid #8a6d00; padding: .75rem 1.5rem; text-align: center; }
  main { background: #fff; border-radius: 8px; box-shadow: 0 1px 3px rgb(0 0 0 / .12); }
  a { color: #0b57d0; }
  code { background: #eef; padding: 0 .25em; border-radius: 3px; }
  button { font: inherit; padding: .6rem 1.2rem; border: 0; border-radius: 6px; background: #0b57d0; color: #fff; cursor: pointer; }
  button:focus-visible { outline: 3px solid #1b1b1f; outline-offset: 2px; }
</style>
</head>
<body>
<header>
${banner}
<div class="brand">Guestlist</div>
</header>
<main>
${input.body}
</main>
</body>
</html>`.html;
}

export function errorPage(title: string, detail: string, sandbox: boolean): string {
  return page({ title, sandbox, body: html`<h1>${title}</h1><p>${detail}</p>` });
}
