// The Adaptive Card posted to a Teams channel when a request waits for approval, in the
// envelope a Teams Workflows webhook ("Post to a channel when a webhook request is
// received") expects: {"type":"message","attachments":[{contentType, content: card}]}.
//
// Version 1.4: what Teams renders on desktop, web and mobile for cards a workflow posts
// (1.5 features are not needed here). Checked against the official 1.5 JSON schema in the
// tests (test/fixtures/adaptive-cards/).
//
// The requester writes some of this text, and Teams reads markdown in TextBlock and in
// Fact.title/Fact.value (learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format).
// So free text (the justification) goes into a RichTextBlock's TextRun, which renders no
// markdown at all, and every fact value is escaped (markdownLiteral). JSON.stringify
// makes the rest safe: no text can end a string or add a property.
import { withoutBidiControls } from './html.ts';
import type { AccessRequest } from './lifecycle.ts';

export const TEAMS_CARD_VERSION = '1.4';
/** Teams refuses messages over about 28 KB; these bounds keep the card well inside. */
const MAX_FACT_CHARS = 300;
const MAX_TEXT_CHARS = 1000;
const MAX_FACTS = 20;

export interface TeamsCardInput {
  request: Pick<AccessRequest, 'id' | 'email' | 'firstName' | 'lastName' | 'justification' | 'createdAt'>;
  appName: string;
  /** The app's questions and the request's answers, in the form's order. */
  answers: ReadonlyArray<{ label: string; value: string }>;
  /** The console page of the request: `{publicUrl}/admin/requests/{id}`. */
  requestUrl: string;
}

export interface TeamsMessage {
  type: 'message';
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: object }];
}

export function teamsMessage(input: TeamsCardInput): TeamsMessage {
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card(input) }],
  };
}

function card(input: TeamsCardInput): object {
  const { request } = input;
  const name = plain(`${request.firstName} ${request.lastName}`, MAX_FACT_CHARS);
  const facts = [
    { title: 'Requester', value: markdownLiteral(name) },
    { title: 'Email', value: markdownLiteral(plain(request.email, MAX_FACT_CHARS)) },
    { title: 'App', value: markdownLiteral(plain(input.appName, MAX_FACT_CHARS)) },
    ...input.answers.slice(0, MAX_FACTS).map((answer) => ({
      title: markdownLiteral(plain(answer.label, MAX_FACT_CHARS)),
      value: markdownLiteral(plain(answer.value, MAX_FACT_CHARS)),
    })),
  ];
  const justification = request.justification ? text(request.justification, MAX_TEXT_CHARS) : null;
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: TEAMS_CARD_VERSION,
    // Shown by a client that cannot render the card (and in notifications): no markdown.
    fallbackText: `Access request from ${name} waits for approval: ${input.requestUrl}`,
    body: [
      { type: 'TextBlock', text: 'Access request waiting for approval', size: 'Medium', weight: 'Bolder', wrap: true },
      { type: 'FactSet', facts },
      {
        type: 'TextBlock',
        text: 'Why they need access',
        weight: 'Bolder',
        wrap: true,
        spacing: 'Medium',
      },
      {
        type: 'RichTextBlock',
        inlines: [
          justification
            ? { type: 'TextRun', text: justification }
            : { type: 'TextRun', text: 'No reason given.', italic: true },
        ],
      },
    ],
    actions: [{ type: 'Action.OpenUrl', title: 'Open the request', url: input.requestUrl }],
  };
}

/** One line: line breaks become spaces (a fact is one line), bidi controls go, long text is cut. */
function plain(value: string, max: number): string {
  return cut(withoutBidiControls(value).replace(/\s+/g, ' ').trim(), max);
}

/** Several lines kept (a TextRun shows them as they are), bidi controls removed, cut to `max`. */
function text(value: string, max: number): string {
  return cut(withoutBidiControls(value).trim(), max);
}

function cut(value: string, max: number): string {
  const chars = [...value];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : value;
}

/**
 * Text that Teams' markdown shows as typed. CommonMark lets any ASCII punctuation be
 * backslash-escaped and then renders the character alone, so: the characters of inline
 * syntax (emphasis, code, links, strike-through, autolinks, entities, the card's
 * {{DATE()}} functions) anywhere, and a line's opening list or heading marker. Other
 * punctuation (the dots of an address) is left as it is, so the card stays readable.
 */
export function markdownLiteral(value: string): string {
  return (
    value
      .replace(/[\\`*_{}[\]~<>|&]/g, (c) => `\\${c}`)
      // A backslash before a digit is no escape: "1." becomes "1\." (the dot escaped).
      .replace(/^(\s*)(\d*)([#+.)-])/, (all, space: string, digits: string, mark: string) =>
        digits || '#+-'.includes(mark) ? `${space}${digits}\\${mark}` : all,
      )
  );
}
