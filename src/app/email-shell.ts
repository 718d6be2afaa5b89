// The one shape of every Guestlist email: a plain-text part and an HTML part built from the
// same blocks, under the organization's branding (name, logo, accent colour). Callers hand
// in plain strings, never HTML: every string is escaped here, so a requester's name, answer
// or reason cannot add markup, and bidi controls are removed so it cannot reorder the text
// around it. The subject goes through `headerText`, so no CR/LF or Unicode line separator
// from a name or an app's name can start a header of its own (nodemailer also encodes
// headers; Graph takes JSON; this holds for both and for any transport added later).
import { accentColours } from '../domain/contrast.ts';
import { escapeHtml, withoutBidiControls } from '../domain/html.ts';
import type { MailMessage } from '../ports.ts';

export interface EmailBranding {
  /** Who sends, e.g. "Contoso"; null: the emails say "an organization using Microsoft Entra ID". */
  organizationName: string | null;
  /** What the email is about, e.g. "the Contoso partner portal". */
  appName: string;
  /** An image shown at the top (GUESTLIST_LOGO_URL); null: the organization's name instead. */
  logoUrl?: string | null;
  /** `#rrggbb` for the button and the top rule (GUESTLIST_ACCENT_COLOR); null: Guestlist's blue. */
  accentColor?: string | null;
}

/** One piece of an email's body. Every string is plain text; the shell escapes it. */
export type EmailBlock =
  | { kind: 'paragraph'; text: string }
  /** Someone's own words (a reason, a justification, an answer): set apart, quoted as typed. */
  | { kind: 'quote'; label: string; text: string }
  /** Labelled values, such as a request's answers. */
  | { kind: 'facts'; items: ReadonlyArray<{ label: string; value: string }> }
  /** The email's main action: an accent-coloured button (its URL written out too). */
  | { kind: 'button'; label: string; url: string }
  | { kind: 'link'; label: string; url: string }
  /** One item of a list, with its own links: a title in bold, each link on its own line. */
  | { kind: 'item'; title: string; links: ReadonlyArray<{ label: string; url: string }> }
  | { kind: 'small'; text: string };

export interface BrandedEmailInput {
  to: string[];
  subject: string;
  branding: EmailBranding;
  blocks: ReadonlyArray<EmailBlock>;
}

/** A complete message (text + HTML) in the branded shell. Approver, requester and system emails all use it. */
export function brandedEmail(input: BrandedEmailInput): MailMessage {
  const subject = headerText(input.subject);
  return {
    to: input.to,
    subject,
    text: renderText(input.blocks, input.branding),
    html: renderHtml(subject, input.blocks, input.branding),
  };
}

// C0/C1 controls, Unicode line and paragraph separators and the other vertical spaces.
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u0085\u2028\u2029]+/gu;

/**
 * Text safe for a header (a subject, a display name): line breaks and other control
 * characters become one space, bidi controls are removed, and the length is bounded.
 */
export function headerText(text: string, max = 200): string {
  const flat = withoutBidiControls(text).replace(LINE_BREAKING, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** User text for the body: bidi controls removed, line breaks normalized to \n. */
function bodyText(text: string): string {
  return withoutBidiControls(text).replace(/\r\n?|[\u0085\u2028\u2029]/gu, '\n');
}

function signature(branding: EmailBranding): string {
  return branding.organizationName
    ? `${branding.organizationName}, through Guestlist`
    : 'Sent by Guestlist for an organization using Microsoft Entra ID';
}

function renderText(blocks: ReadonlyArray<EmailBlock>, branding: EmailBranding): string {
  return [...blocks.map(textBlock), `-- \n${signature(branding)}`].join('\n\n');
}

function textBlock(block: EmailBlock): string {
  switch (block.kind) {
    case 'paragraph':
    case 'small':
      return bodyText(block.text);
    case 'quote': {
      // One line stays on the label's line; several are quoted below it, as mail readers do.
      const lines = bodyText(block.text).split('\n');
      const label = bodyText(block.label);
      return lines.length === 1 ? `${label} ${lines[0]}` : `${label}\n${lines.map((l) => `> ${l}`).join('\n')}`;
    }
    case 'facts':
      return block.items.map((item) => `${bodyText(item.label)}: ${bodyText(item.value)}`).join('\n');
    case 'button':
    case 'link':
      return `${bodyText(block.label)}: ${block.url}`;
    case 'item':
      return [bodyText(block.title), ...block.links.map((l) => `${bodyText(l.label)}: ${l.url}`)].join('\n');
  }
}

const FONT = 'font-family: -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';

function renderHtml(subject: string, blocks: ReadonlyArray<EmailBlock>, branding: EmailBranding): string {
  const { accent, onAccent, link } = accentColours(branding.accentColor ?? null);
  const e = (text: string) => escapeHtml(bodyText(text)).replace(/\n/g, '<br>');
  // Links are Guestlist's own (status, confirmation, redeem, the app); anything but http(s) stays text.
  const a = (url: string, label: string, style = `color: ${link}`) =>
    /^https?:\/\//i.test(url) ? `<a href="${escapeHtml(url)}" style="${style}">${e(label)}</a>` : e(label);
  const htmlBlock = (block: EmailBlock): string => {
    switch (block.kind) {
      case 'paragraph':
        return `<p style="margin: 0 0 16px">${e(block.text)}</p>`;
      case 'small':
        return `<p style="margin: 0 0 16px; font-size: 13px; color: #5f6368">${e(block.text)}</p>`;
      case 'quote':
        return (
          `<p style="margin: 0 0 4px; font-weight: bold">${e(block.label)}</p>` +
          `<blockquote style="margin: 0 0 16px; padding: 8px 12px; border-left: 4px solid ${accent}; background: #f6f8fc">` +
          `<bdi>${e(block.text)}</bdi></blockquote>`
        );
      case 'facts':
        return `<table role="presentation" style="margin: 0 0 16px; border-collapse: collapse">${block.items
          .map(
            (item) =>
              `<tr><th scope="row" style="text-align: left; padding: 4px 12px 4px 0; vertical-align: top">${e(item.label)}</th>` +
              `<td style="padding: 4px 0"><bdi>${e(item.value)}</bdi></td></tr>`,
          )
          .join('')}</table>`;
      case 'button':
        return (
          `<p style="margin: 0 0 8px">${a(
            block.url,
            block.label,
            `display: inline-block; padding: 10px 20px; border-radius: 4px; background: ${accent}; color: ${onAccent}; font-weight: bold; text-decoration: none`,
          )}</p>` +
          `<p style="margin: 0 0 16px; font-size: 13px; color: #5f6368">Or copy this address into your browser: ${e(block.url)}</p>`
        );
      case 'link':
        return `<p style="margin: 0 0 16px">${a(block.url, block.label)}</p>`;
      case 'item':
        return `<p style="margin: 0 0 16px"><strong><bdi>${e(block.title)}</bdi></strong>${block.links
          .map((l) => `<br>${a(l.url, l.label)}`)
          .join('')}</p>`;
    }
  };
  const body = blocks.map(htmlBlock);
  const org = branding.organizationName;
  const header = branding.logoUrl
    ? `<img src="${escapeHtml(branding.logoUrl)}" alt="${escapeHtml(org ?? branding.appName)}" height="40" style="height: 40px; border: 0">`
    : `<strong style="font-size: 18px">${e(org ?? branding.appName)}</strong>`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(subject)}</title></head>`,
    `<body style="margin: 0; padding: 0; background: #f1f3f4; ${FONT}; line-height: 1.5; color: #1b1b1f">`,
    '<table role="presentation" width="100%" style="border-collapse: collapse"><tr><td align="center" style="padding: 24px 12px">',
    `<table role="presentation" width="100%" style="max-width: 600px; border-collapse: collapse; background: #ffffff; border-top: 4px solid ${accent}">`,
    `<tr><td style="padding: 20px 24px 0">${header}</td></tr>`,
    `<tr><td style="padding: 20px 24px 8px">${body.join('\n')}</td></tr>`,
    `<tr><td style="padding: 12px 24px 20px; font-size: 12px; color: #5f6368; border-top: 1px solid #e0e0e0">${e(signature(branding))}</td></tr>`,
    '</table></td></tr></table></body></html>',
  ].join('\n');
}
