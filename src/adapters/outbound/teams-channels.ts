// Which Teams channel hears of a request waiting for approval (the TeamsChannels port).
//
// Until the app catalogue is merged, one setting for every request:
// GUESTLIST_TEAMS_WEBHOOK_URL, with the app named by GUESTLIST_APP_NAME and no answers.
// At the merge this is swapped for a lookup of the request's app (its `teamsWebhookUrl`,
// `name`, and its questions' labels with the request's `answers`): only main.ts changes.
import type { TeamsChannels } from '../../ports.ts';

export function oneTeamsChannel(webhookUrl: string | null, appName: string): TeamsChannels {
  return {
    async targetFor() {
      return webhookUrl ? { webhookUrl, appName, answers: [] } : null;
    },
  };
}
