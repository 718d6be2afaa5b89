// Sandbox mode's outbox: instead of sending, Guestlist's mail is stored in the database,
// where `GET /api/v1/sandbox/messages` shows it next to the emulator's invitation mail.
import type { Clock, Ids, Mailer, MailMessage, Store } from '../../ports.ts';

export function createSandboxMailer(deps: { store: Store; clock: Clock; ids: Ids; from: string }): Mailer {
  return {
    async send(message: MailMessage): Promise<void> {
      await deps.store.insertSandboxMessage({
        id: deps.ids.next(),
        source: 'guestlist',
        from: deps.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html ?? null,
        links: extractLinks(`${message.text}\n${message.html ?? ''}`),
        sentAt: deps.clock.now(),
      });
    },
  };
}

export function extractLinks(text: string): string[] {
  const links = text.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
  // Sentence punctuation right after a link ("… at https://x/y.") is not part of it.
  return [...new Set(links.map((link) => link.replace(/&amp;/g, '&').replace(/[.,;:!?)]+$/, '')))];
}
