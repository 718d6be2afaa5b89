// The job handlers' dependencies for tests: the parts a test cares about, with the same
// plain defaults everywhere else (guestlist mode, no groups, Contoso's branding).
import { randomUUID } from 'node:crypto';
import type { ProvisioningSettings } from '../../src/app/provision-settings.ts';
import type { DirectoryPauseGate } from '../../src/jobs/directory-pause.ts';
import type { JobDeps } from '../../src/jobs/handlers.ts';
import type { Clock, Directory, Logger, Mailer, OutboundHttp, Store, TeamsChannels } from '../../src/ports.ts';

/** No test reaches another server unless it says so: a call fails the test's job loudly. */
const NO_OUTBOUND: OutboundHttp = {
  postJson: async () => {
    throw new Error('unexpected outbound POST in a test');
  },
  postSigned: async () => {
    throw new Error('unexpected outbound POST in a test');
  },
};

const MINUTE = 60_000;

export function testJobDeps(parts: {
  store: Store;
  clock: Clock;
  directory: Directory;
  logger: Logger;
  directoryPause: DirectoryPauseGate;
  mailer?: Mailer;
  provisioning?: Partial<ProvisioningSettings>;
  redemptionCheck?: Partial<JobDeps['redemptionCheck']>;
  http?: OutboundHttp;
  teams?: TeamsChannels;
}): JobDeps {
  return {
    store: parts.store,
    clock: parts.clock,
    ids: { next: randomUUID },
    directory: parts.directory,
    mailer: parts.mailer ?? { send: async () => {} },
    logger: parts.logger,
    provisioning: {
      redirectUrl: 'https://app.contoso.com',
      invitationEmail: 'guestlist',
      notFoundWindowMs: 15 * MINUTE,
      groupIds: [],
      redemptionCheckFirstMs: 5 * MINUTE,
      ...parts.provisioning,
    },
    redemptionCheck: {
      firstMs: 5 * MINUTE,
      maxMs: 60 * MINUTE,
      expiryMs: 30 * 24 * 60 * MINUTE,
      ...parts.redemptionCheck,
    },
    branding: { organizationName: 'Contoso', appName: 'Project X' },
    verification: { publicUrl: 'https://guestlist.contoso.com', validForMs: 60 * MINUTE },
    expiryReminderDays: 7,
    directoryPause: parts.directoryPause,
    http: parts.http ?? NO_OUTBOUND,
    teams: parts.teams ?? { targetFor: async () => null },
  };
}
