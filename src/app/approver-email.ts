// The email an approver gets when a stage waits for them (begun, escalated, or the one
// reminder): who asks, for what, their answers and justification, and Approve / Reject
// links — in the branded shell every Guestlist email uses (email-shell.ts): text and HTML,
// the organization's name, logo and accent, every string escaped, the subject one line.
// The requester's own words are quoted blocks, set apart from Guestlist's text, so a
// justification cannot pass itself off as one of the links.
import { withoutBidiControls } from '../domain/html.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import type { MailMessage } from '../ports.ts';
import { brandedEmail, type EmailBlock, type EmailBranding } from './email-shell.ts';

export type ApproverEmailKind = 'stage' | 'escalation' | 'reminder';

export function approverEmail(input: {
  to: string;
  request: AccessRequest;
  /** The organization's branding; `appName` is the request's app. */
  branding: EmailBranding;
  /** The answers to the app's questions, as [question label, answer]. */
  answers: ReadonlyArray<readonly [string, string]>;
  stageLabel: string;
  kind: ApproverEmailKind;
  /** The confirmation page; `&decision=approve|reject` picks the form it shows first. */
  linkUrl: string;
  validDays: number;
}): MailMessage {
  const r = input.request;
  const appName = input.branding.appName;
  const name = withoutBidiControls(`${r.firstName} ${r.lastName}`);
  const intro = {
    stage: `${name} asks for access to ${appName}, and it is yours to decide (${input.stageLabel}).`,
    escalation: `${name} asks for access to ${appName}. The first approvers did not decide in time, so it is now yours to decide (${input.stageLabel}).`,
    reminder: `A reminder: ${name}'s request for access to ${appName} still waits for a decision (${input.stageLabel}).`,
  }[input.kind];
  const blocks: EmailBlock[] = [
    { kind: 'paragraph', text: intro },
    {
      kind: 'facts',
      items: [
        { label: 'Name', value: name },
        { label: 'Email', value: r.email },
        { label: 'App', value: appName },
      ],
    },
    ...input.answers.map(([label, text]): EmailBlock => ({ kind: 'quote', label, text })),
    { kind: 'quote', label: 'Why they need access', text: r.justification ?? '(not given)' },
    { kind: 'button', label: 'Approve', url: `${input.linkUrl}&decision=approve` },
    { kind: 'link', label: 'Reject', url: `${input.linkUrl}&decision=reject` },
    {
      kind: 'small',
      text: `Each link opens a page where you confirm; it works once, for ${input.validDays} days, and only for you. Nobody else's decision is needed at this stage: the first approver decides.`,
    },
  ];
  const subject = `${input.kind === 'reminder' ? 'Reminder: ' : ''}${name} asks for access to ${appName}`;
  return brandedEmail({ to: [input.to], subject, branding: input.branding, blocks });
}
