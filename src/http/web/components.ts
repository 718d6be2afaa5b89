// The few pieces pages share: a CSRF field, a labelled form field with its error, the
// error summary at the top of a form, a status badge.
import type { FieldError } from '../../domain/errors.ts';
import { html, type Raw } from './html.ts';

export function csrfField(token: string): Raw {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

export interface FieldInput {
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string;
  type?: 'text' | 'email' | 'search' | 'date' | 'textarea' | 'password';
  autocomplete?: string;
  required?: boolean;
  /** Mark an unrequired field "(optional)" (the default); false when it is needed for one choice only. */
  optionalMark?: boolean;
  maxLength?: number;
}

/** A labelled input; its error (if any) is tied to it with aria-describedby and shown beside it. */
export function field(input: FieldInput): Raw {
  const id = `field-${input.name}`;
  const described = [input.hint ? `${id}-hint` : '', input.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = html` id="${id}" name="${input.name}"${input.required ? html` required` : html``}${
    input.autocomplete ? html` autocomplete="${input.autocomplete}"` : html``
  }${input.maxLength ? html` maxlength="${input.maxLength}"` : html``}${
    described ? html` aria-describedby="${described}"` : html``
  }${input.error ? html` aria-invalid="true"` : html``}`;
  const control =
    input.type === 'textarea'
      ? html`<textarea${common}>${input.value ?? ''}</textarea>`
      : html`<input type="${input.type ?? 'text'}"${common} value="${input.value ?? ''}">`;
  return html`<div class="field">
    <label for="${id}">${input.label}${
      input.required || input.optionalMark === false ? html`` : html` <span class="hint">(optional)</span>`
    }</label>
    ${input.hint ? html`<p class="hint" id="${id}-hint">${input.hint}</p>` : html``}
    ${input.error ? html`<p class="error" id="${id}-error">${input.error}</p>` : html``}
    ${control}
  </div>`;
}

/**
 * The list of what to fix, first in the form, each linking to its field. It takes the focus
 * when the page loads (autofocus: no script needed), so keyboard and screen reader users
 * start at what to fix.
 */
export function errorSummary(
  errors: Record<string, string>,
  labels: Record<string, string>,
  options: { prefixLabels?: boolean } = {},
): Raw {
  const entries = Object.entries(errors);
  if (entries.length === 0) return html``;
  // Messages that already name their field ("Last name must not be empty.") stand alone.
  const text = (name: string, message: string) =>
    options.prefixLabels === false ? message : `${labels[name] ?? name}: ${message}`;
  return html`<div class="errors" role="alert" tabindex="-1" id="errors" autofocus>
    <h2>Please correct ${entries.length === 1 ? 'this' : 'these'}</h2>
    <ul>${entries.map(([name, message]) => html`<li><a href="#field-${name}">${text(name, message)}</a></li>`)}</ul>
  </div>`;
}

/** Field errors from a ValidationError or schema check, keyed by the field's form name. */
export function errorsByField(errors: readonly FieldError[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const error of errors ?? []) {
    const name = error.field.replace(/^\//, '').split('/')[0] ?? '';
    out[name] ??= error.message;
  }
  return out;
}

const STATUS_LABELS: Record<string, string> = {
  pending_verification: 'Waiting for email confirmation',
  pending_approval: 'Waiting for approval',
  approved: 'Approved',
  provisioning: 'Being set up',
  needs_confirmation: 'Needs an admin',
  invited: 'Invited',
  active: 'Active',
  rejected: 'Rejected',
  failed: 'Failed',
  expired: 'Expired',
  revoked: 'Revoked',
  withdrawn: 'Withdrawn',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

export function statusBadge(status: string): Raw {
  return html`<span class="badge ${status}">${statusLabel(status)}</span>`;
}

/** A date and time as people read it (UTC, to the minute), machine-readable in `datetime`. */
export function timeTag(date: Date): Raw {
  const iso = date.toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC</time>`;
}

/** Text a requester typed (names, addresses), isolated so right-to-left tricks stay inside it. */
export function userText(text: string): Raw {
  return html`<bdi>${text}</bdi>`;
}

/** A labelled checkbox; its error (if any) shown above it and tied to it. */
export function checkbox(input: { name: string; label: string; checked?: boolean; error?: string | undefined }): Raw {
  const id = `field-${input.name}`;
  return html`<div class="field checkbox">
    ${input.error ? html`<p class="error" id="${id}-error">${input.error}</p>` : html``}
    <input type="checkbox" id="${id}" name="${input.name}" value="yes"${input.checked ? html` checked` : html``}${
      input.error ? html` aria-describedby="${id}-error" aria-invalid="true"` : html``
    }>
    <label for="${id}">${input.label}</label>
  </div>`;
}
