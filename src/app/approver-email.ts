// The email an approver gets when a stage waits for them (begun, escalated, or the one
// reminder): who asks, for what, their answers and justification, and Approve / Reject
// links. Everything the requester typed is escaped in HTML and stripped of bidi controls.
import { escapeHtml, withoutBidiControls } from '../domain/html.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import type { MailMessage } from '../ports.ts';

export type ApproverEmailKind = 'stage' | 'escalation' | 'reminder';

export function approverEmail(input: {
  to: string;
  request: AccessRequest;
  appName: string;
  /** The answers to the app's questions, as [question label, answer]. */
  answers: ReadonlyArray<readonly [string, string]>;
  stageLabel: string;
  kind: ApproverEmailKind;
  /** The confirmation page; `&decision=approve|reject` picks the form it shows first. */
  linkUrl: string;
  validDays: number;
}): MailMessage {
  const r = input.request;
  const name = withoutBidiControls(`${r.firstName} ${r.lastName}`);
  const intro = {
    stage: `${name} asks for access to ${input.appName}, and it is yours to decide (${input.stageLabel}).`,
    escalation: `${name} asks for access to ${input.appName}. The first approvers did not decide in time, so it is now yours to decide (${input.stageLabel}).`,
    reminder: `A reminder: ${name}'s request for access to ${input.appName} still waits for a decision (${input.stageLabel}).`,
  }[input.kind];
  const facts: Array<[string, string]> = (
    [
      ['Name', name],
      ['Email', r.email],
      ['App', input.appName],
      ...input.answers,
      ['Why they need access', r.justification ?? '(not given)'],
    ] as Array<[string, string]>
  ).map(([label, value]) => [withoutBidiControls(label), withoutBidiControls(value)]);
  const approve = `${input.linkUrl}&decision=approve`;
  const reject = `${input.linkUrl}&decision=reject`;
  const after = `Each link opens a page where you confirm; it works once, for ${input.validDays} days, and only for you. Nobody else's decision is needed at this stage: the first approver decides.`;
  const subject = `${input.kind === 'reminder' ? 'Reminder: ' : ''}${name} asks for access to ${input.appName}`;
  const text = [
    intro,
    facts.map(([label, value]) => `${label}: ${value}`).join('\n'),
    `Approve: ${approve}`,
    `Reject: ${reject}`,
    after,
  ].join('\n\n');
  const e = escapeHtml;
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">',
    `<p>${e(intro)}</p>`,
    '<table>',
    ...facts.map(([label, value]) => `<tr><th align="left" valign="top">${e(label)}</th><td>${e(value)}</td></tr>`),
    '</table>',
    `<p><a href="${e(approve)}">Approve</a> &nbsp; <a href="${e(reject)}">Reject</a></p>`,
    `<p>${e(after)}</p>`,
    '</body></html>',
  ].join('\n');
  return { to: [input.to], subject, text, html };
}
