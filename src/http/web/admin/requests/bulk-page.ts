// What a bulk decision did: the requests it decided, and those it skipped (someone else
// decided first, or the request was no longer waiting), each with why.
import { userText } from '../../components.ts';
import { html, type Raw } from '../../html.ts';

export interface BulkOutcome {
  id: string;
  name: string;
  decided: boolean;
  note: string;
}

export function bulkResultBody(action: 'approve' | 'reject', outcomes: BulkOutcome[]): Raw {
  const decided = outcomes.filter((o) => o.decided);
  const skipped = outcomes.filter((o) => !o.decided);
  const verb = action === 'approve' ? 'Approved' : 'Rejected';
  const link = (o: BulkOutcome) => html`<a href="/admin/requests/${o.id}">${userText(o.name)}</a>`;
  return html`<h1>Decisions made</h1>
    <section aria-labelledby="decided">
      <h2 id="decided">${verb}: ${decided.length}</h2>
      ${decided.length ? html`<ul>${decided.map((o) => html`<li>${link(o)}</li>`)}</ul>` : html`<p>None.</p>`}
    </section>
    ${
      skipped.length
        ? html`<section aria-labelledby="skipped">
            <h2 id="skipped">Skipped: ${skipped.length}</h2>
            <ul>${skipped.map((o) => html`<li>${link(o)}: ${o.note}</li>`)}</ul>
          </section>`
        : html``
    }
    <p><a href="/admin">Back to the requests waiting for you</a></p>`;
}
