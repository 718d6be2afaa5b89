// What the sandbox's emulator offers the HTTP layer (main.ts builds it; null in Entra mode).
import type { SandboxMessage } from '../ports.ts';

export interface SandboxHooks {
  /** Invitation emails the emulator "sent". */
  graphMail(): Omit<SandboxMessage, 'html'>[];
  /** Marks the guest Accepted; returns where to send the browser, or null for an unknown link. */
  redeem(url: string): { redirectUrl: string } | null;
}
