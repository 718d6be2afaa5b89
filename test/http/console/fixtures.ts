// Requests in the states the console shows, written straight to the store (with the audit
// entries that brought them there), so each test starts where it needs to.
import { randomUUID } from 'node:crypto';
import { notifyRequester } from '../../../src/app/notify-requester.ts';
import { readRequestStatus } from '../../../src/app/read-request-status.ts';
import { DirectoryError } from '../../../src/domain/directory-error.ts';
import type { AccessRequest, Status } from '../../../src/domain/lifecycle.ts';
import type { DirectoryMatch, MailMessage, Store } from '../../../src/ports.ts';
import { anAudit, aRequest } from '../../adapters/store/fixtures.ts';
import type { TestApp } from '../../helpers/app.ts';
import { aStage, planStages } from '../../helpers/stages.ts';

export async function stored(store: Store, overrides: Partial<AccessRequest> = {}): Promise<AccessRequest> {
  const request = aRequest({ createdAt: new Date('2026-03-01T08:00:00.000Z'), ...overrides });
  await store.insertRequest(request, anAudit(request, { toStatus: request.status }), []);
  // A pending request waits at one stage that names the test approver (and admins decide anyway).
  if (request.status === 'pending_approval') await planStages(store, request.id, [aStage()], { at: request.createdAt });
  return request;
}

export async function inState(store: Store, status: Status, overrides: Partial<AccessRequest> = {}) {
  return stored(store, { status, ...overrides });
}

export const GRAPH_FAILURE = new DirectoryError({
  message: 'The invited user email address is not valid.',
  transient: false,
  graphCode: 'BadRequest',
  httpStatus: 400,
  requestId: '5e0c6e3a-1b2c-4d5e-8f90-0a1b2c3d4e5f',
}).describe();

export async function failed(store: Store) {
  return inState(store, 'failed', { reason: GRAPH_FAILURE });
}

export const CANDIDATE: DirectoryMatch = {
  user: {
    id: '11111111-2222-4333-8444-555555555555',
    createdAt: null,
    userType: 'Member',
    mail: 'ada.lovelace@contoso.com',
    displayName: 'Ada Lovelace (Contoso)',
    externalUserState: null,
    accountEnabled: true,
  },
  matchedBy: ['otherMails'],
};

export async function needsConfirmation(store: Store) {
  const request = await inState(store, 'needs_confirmation', { reason: 'Matched only through otherMails.' });
  await store.recordProgress({
    requestId: request.id,
    expectedStatus: ['needs_confirmation'],
    at: request.createdAt,
    progress: { matchCandidates: [CANDIDATE] },
  });
  return request;
}

export function person(name: string) {
  return { name, subject: randomUUID() };
}

/**
 * What the requester of a rejected request is told: the rejection email (the
 * notify_requester job's use case, run here) and the status page its link opens.
 */
export async function requesterSees(t: Pick<TestApp, 'db' | 'clock'>, requestId: string) {
  const mails: MailMessage[] = [];
  const branding = { organizationName: 'Contoso', appName: 'Contoso Portal' };
  await notifyRequester(
    {
      store: t.db.store,
      clock: t.clock,
      mailer: { send: async (message) => void mails.push(message) },
      branding,
      publicUrl: 'http://localhost:3000',
      appUrl: 'https://myapps.microsoft.com',
    },
    requestId,
  );
  const email = mails.at(-1);
  const token = /\/status\?token=(\S+)/.exec(email?.text ?? '')?.[1];
  if (!email || !token) throw new Error(`no rejection email with a status link for ${requestId}`);
  const status = await readRequestStatus(
    { store: t.db.store, clock: t.clock, branding },
    { token: decodeURIComponent(token) },
  );
  return { email: email.text, sharedReason: status.sharedReason };
}
