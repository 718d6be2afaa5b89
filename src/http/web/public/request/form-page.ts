// The request form, GOV.UK style: labels above fields, an error summary first that links
// to each field in error, each message repeated beside its field, what was typed kept.

import { JUSTIFICATION_MAX_LENGTH } from '../../../../domain/justification.ts';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH } from '../../../../domain/person.ts';
import { csrfField, errorSummary, field } from '../../components.ts';
import { html, type Raw } from '../../html.ts';
import type { WebSettings } from '../../render.ts';
import { type FieldName, HONEYPOT, LABELS, type RequestValues } from './form.ts';

export interface FormPageInput {
  csrfToken: string;
  values: RequestValues;
  errors: Partial<Record<FieldName, string>>;
}

export function requestFormBody(web: WebSettings, input: FormPageInput): Raw {
  const { branding } = web;
  const org = branding.organizationName ?? 'the organization';
  const { values, errors } = input;
  const intro =
    branding.introText ??
    `Tell us who you are. We email you a link to confirm your address, then ${org} decides on your request and lets you know by email.`;
  return html`<div class="narrow">
    ${errorSummary(errors as Record<string, string>, LABELS, { prefixLabels: false })}
    <h1>Ask for access to ${branding.appName}</h1>
    <p class="intro">${intro}</p>
    <form method="post" action="/request" class="stack" novalidate>
      ${csrfField(input.csrfToken)}
      ${field({
        name: 'email',
        label: LABELS.email,
        type: 'email',
        autocomplete: 'email',
        required: true,
        maxLength: EMAIL_MAX_LENGTH,
        hint: 'Your work or school address. We send a link to it to check that it is yours.',
        value: values.email,
        error: errors.email,
      })}
      ${field({
        name: 'firstName',
        label: LABELS.firstName,
        autocomplete: 'given-name',
        required: true,
        maxLength: NAME_MAX_LENGTH,
        value: values.firstName,
        error: errors.firstName,
      })}
      ${field({
        name: 'lastName',
        label: LABELS.lastName,
        autocomplete: 'family-name',
        required: true,
        maxLength: NAME_MAX_LENGTH,
        value: values.lastName,
        error: errors.lastName,
      })}
      ${field({
        name: 'justification',
        label: LABELS.justification,
        type: 'textarea',
        maxLength: JUSTIFICATION_MAX_LENGTH,
        hint: `What you will work on, and with whom at ${org}. At most ${JUSTIFICATION_MAX_LENGTH} characters.`,
        value: values.justification,
        error: errors.justification,
      })}
      <div class="honeypot">
        <label for="field-${HONEYPOT}">Leave this field empty</label>
        <input type="text" id="field-${HONEYPOT}" name="${HONEYPOT}" tabindex="-1" autocomplete="off">
      </div>
      <div class="form-actions">
        <button type="submit">Ask for access</button>
        ${branding.privacyUrl ? html`<a href="${branding.privacyUrl}">How we use your data</a>` : html``}
      </div>
    </form>
  </div>`;
}
