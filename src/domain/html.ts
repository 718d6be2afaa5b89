// Escaping text for HTML, shared by the pages and the emails Guestlist writes.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

// Bidirectional controls (embeddings, overrides, isolates, marks). Submitted names refuse
// them (domain/person.ts), but a name stored before that rule, or shown in a mailbox we do
// not control, must not reorder the text around it ("Trojan Source"): they are removed.
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** The text without bidirectional control characters, for names shown in emails and pages. */
export function withoutBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}
