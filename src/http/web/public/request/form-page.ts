// The request form, GOV.UK style: labels above fields, an error summary first that links
// to each field in error, each message repeated beside its field, what was typed kept.
// One app's form: its name and description, its questions between the names and the reason.
import { answerMaxLength } from '../../../../domain/answers.ts';
import type { App, AppQuestion } from '../../../../domain/apps.ts';
import { JUSTIFICATION_MAX_LENGTH } from '../../../../domain/justification.ts';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH } from '../../../../domain/person.ts';
import { csrfField, errorSummary, field } from '../../components.ts';
import { html, type Raw } from '../../html.ts';
import type { WebSettings } from '../../render.ts';
import { answerField, HONEYPOT, LABELS, type RequestValues } from './form.ts';

export interface FormPageInput {
  csrfToken: string;
  app: App;
  values: RequestValues;
  /** By form field name. */
  errors: Record<string, string>;
  /** Where it posts: /request when it is the only app (as before the catalogue), else /request/{slug}. */
  action?: string;
}

export function requestFormBody(web: WebSettings, input: FormPageInput): Raw {
  const { branding } = web;
  const org = branding.organizationName ?? 'the organization';
  const { app, values, errors } = input;
  const intro =
    branding.introText ??
    `Tell us who you are. We email you a link to confirm your address, then ${org} decides on your request and lets you know by email.`;
  const domains = app.requesters.kind === 'domains' ? app.requesters.domains : [];
  const emailHint = domains.length
    ? `Your address at ${domains.join(', ')} (only those can ask for ${app.name}). We send a link to it to check that it is yours.`
    : 'Your work or school address. We send a link to it to check that it is yours.';
  return html`<div class="narrow">
    ${errorSummary(errors, LABELS, { prefixLabels: false })}
    <h1>Ask for access to ${app.name}</h1>
    ${app.description ? html`<p class="app-description">${app.description}</p>` : html``}
    <p class="intro">${intro}</p>
    <form method="post" action="${input.action ?? `/request/${app.slug}`}" class="stack" novalidate>
      ${csrfField(input.csrfToken)}
      ${field({
        name: 'email',
        label: LABELS.email,
        type: 'email',
        autocomplete: 'email',
        required: true,
        maxLength: EMAIL_MAX_LENGTH,
        hint: emailHint,
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
      ${app.questions.map((question) => questionField(question, values.answers[question.id] ?? '', errors))}
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

function questionField(question: AppQuestion, value: string, errors: Record<string, string>): Raw {
  const name = answerField(question.id);
  const error = errors[name];
  if (question.kind !== 'single_choice') {
    return field({
      name,
      label: question.label,
      type: question.kind === 'long_text' ? 'textarea' : 'text',
      required: question.required,
      maxLength: answerMaxLength(question),
      ...(question.hint ? { hint: question.hint } : {}),
      value,
      error,
    });
  }
  // Radios in a fieldset whose legend is the question (GOV.UK "radios"); the first radio
  // carries the field's id, so the error summary's link lands on it.
  const id = `field-${name}`;
  const described = [question.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field">
    <fieldset class="radios"${described ? html` aria-describedby="${described}"` : html``}>
      <legend>${question.label}${question.required ? html`` : html` <span class="hint">(optional)</span>`}</legend>
      ${question.hint ? html`<p class="hint" id="${id}-hint">${question.hint}</p>` : html``}
      ${error ? html`<p class="error" id="${id}-error">${error}</p>` : html``}
      ${(question.choices ?? []).map(
        (choice, i) => html`<div class="radio">
          <input type="radio" id="${i === 0 ? id : `${id}-${i}`}" name="${name}" value="${choice}"${
            value === choice ? html` checked` : html``
          }${error ? html` aria-invalid="true"` : html``}>
          <label for="${i === 0 ? id : `${id}-${i}`}">${choice}</label>
        </div>`,
      )}
    </fieldset>
  </div>`;
}

/** /request when several apps are open: pick one (a link each; nothing to post). */
export function appListBody(web: WebSettings, apps: readonly App[]): Raw {
  const org = web.branding.organizationName ?? 'the organization';
  if (apps.length === 0) {
    return html`<div class="narrow">
      <h1>Ask for access</h1>
      <p>No app is taking requests at the moment. Try again later, or ask your contact at ${org}.</p>
    </div>`;
  }
  return html`<div class="narrow">
    <h1>Which app do you need?</h1>
    <p class="intro">Choose the app to ask ${org} for. You can ask for another one afterwards.</p>
    <ul class="app-list">
      ${apps.map(
        (app) => html`<li>
          <h2><a href="/request/${app.slug}">${app.name}</a></h2>
          ${app.description ? html`<p>${app.description}</p>` : html``}
        </li>`,
      )}
    </ul>
  </div>`;
}
