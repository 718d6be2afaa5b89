// The console's apps: the list (file apps marked read-only), and one app's form.
import type { App } from '../../../../domain/apps.ts';
import { csrfField, errorSummary, field } from '../../components.ts';
import { html, type Raw } from '../../html.ts';
import { APP_LABELS, type AppFormValues } from './app-form.ts';

export function appsListBody(input: { apps: readonly App[]; flash?: string | undefined; csrfToken: string }): Raw {
  return html`<h1>Apps</h1>
    ${input.flash ? html`<p class="flash" role="status">${input.flash}</p>` : html``}
    <p>The apps people may ask for. Apps from the configuration file (<code>guestlist.config.yaml</code>) are
    read-only here: change them in the file. Closed apps take no new requests; their requests go on.</p>
    <p><a class="button" href="/admin/apps/new">New app</a></p>
    <div class="table-wrap"><table>
      <caption class="visually-hidden">Apps</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Address</th><th scope="col">Source</th>
        <th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${input.apps.map((app) => appRow(app, input.csrfToken))}</tbody>
    </table></div>`;
}

function appRow(app: App, csrfToken: string): Raw {
  const builtIn = app.id === 'default';
  const source = builtIn ? 'environment' : app.source === 'file' ? 'configuration file' : 'console';
  const editable = app.source === 'console' && !builtIn;
  return html`<tr>
    <td>${builtIn ? app.name : html`<a href="/admin/apps/${app.id}">${app.name}</a>`}</td>
    <td><code>/request/${app.slug}</code></td>
    <td>${source}${editable ? html`` : html` <span class="hint">(read-only)</span>`}</td>
    <td>${app.open ? 'Open' : 'Closed'}</td>
    <td>${
      editable
        ? html`<form method="post" action="/admin/apps/${app.id}/open">${csrfField(csrfToken)}
            <input type="hidden" name="open" value="${app.open ? 'no' : 'yes'}">
            <button type="submit" class="secondary">${app.open ? 'Close' : 'Open'} ${app.name}</button></form>`
        : html``
    }</td>
  </tr>`;
}

export function appFormBody(input: {
  app: App | null;
  values: AppFormValues;
  errors: Record<string, string>;
  csrfToken: string;
  readOnly: boolean;
}): Raw {
  const { values, errors, app } = input;
  const action = app ? `/admin/apps/${app.id}` : '/admin/apps';
  const f = (name: keyof AppFormValues, extra: Partial<Parameters<typeof field>[0]> = {}) =>
    field({ name, label: APP_LABELS[name], value: values[name], error: errors[name], ...extra });
  const fields = html`
    ${f('name', { required: true, maxLength: 100 })}
    ${f('slug', { required: true, maxLength: 63, hint: 'Its form is at /request/<slug>: lower-case letters, digits and hyphens.' })}
    ${f('description', { type: 'textarea', maxLength: 1000 })}
    ${f('redirectUrl', { required: true, hint: 'Where a redeemed invitation lands (https).' })}
    ${f('groupIds', { type: 'textarea', hint: 'The Entra groups that grant the app: one object id per line.' })}
    ${f('domains', { type: 'textarea', hint: 'Leave empty for anyone; or one domain per line (subdomains included).' })}
    <div class="field">
      <label for="field-accessKind">${APP_LABELS.accessKind}</label>
      ${errors.accessKind ? html`<p class="error" id="field-accessKind-error">${errors.accessKind}</p>` : html``}
      <select id="field-accessKind" name="accessKind"${errors.accessKind ? html` aria-describedby="field-accessKind-error" aria-invalid="true"` : html``}>
        ${(
          [
            ['never', 'For good'],
            ['days', 'A number of days after it starts'],
            ['until', 'Until a date'],
          ] as const
        ).map(
          ([value, label]) =>
            html`<option value="${value}"${values.accessKind === value ? html` selected` : html``}>${label}</option>`,
        )}
      </select>
    </div>
    ${f('accessDays', { hint: 'With "a number of days".' })}
    ${f('accessDate', { type: 'date', hint: 'With "until a date" (YYYY-MM-DD).' })}
    ${f('appRoleServicePrincipalId', { hint: 'Optional: an app role assigned after the groups.' })}
    ${f('appRoleId')}
    ${f('questions', { type: 'textarea', hint: 'A YAML list, as in guestlist.config.example.yaml (id, label, kind, required, choices, hint).' })}
    ${f('policy', { type: 'textarea', hint: 'As in guestlist.config.example.yaml; empty: one stage decided by admins.' })}
    <div class="field checkbox">
      <input type="checkbox" id="field-open" name="open" value="yes"${values.open === 'yes' ? html` checked` : html``}>
      <label for="field-open">Open: people may ask for it</label>
    </div>`;
  return html`<div class="narrow">
    ${errorSummary(errors, APP_LABELS, { prefixLabels: false })}
    <h1>${app ? app.name : 'New app'}</h1>
    ${
      input.readOnly
        ? html`<p class="notice">This app is declared in the configuration file and is read-only here. Change it in the file; it is read again at start-up.</p>
          <fieldset disabled class="stack"><legend class="visually-hidden">The app, read-only</legend>${fields}</fieldset>`
        : html`<form method="post" action="${action}" class="stack" novalidate>
          ${csrfField(input.csrfToken)}
          ${fields}
          <div class="form-actions"><button type="submit">${app ? 'Save changes' : 'Create app'}</button>
          <a href="/admin/apps">Back to apps</a></div>
        </form>`
    }
  </div>`;
}
