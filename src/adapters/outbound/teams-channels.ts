// Which Teams channel hears of a request waiting for approval (the TeamsChannels port): the
// request's app's `teamsWebhookUrl`, its name, and the app's questions with the request's
// answers, in the form's order. The default app (an environment-only deployment, which has
// no catalogue entry to hold a URL) posts to GUESTLIST_TEAMS_WEBHOOK_URL when it is set.
import type { Catalogue } from '../../app/app-catalogue.ts';
import { DEFAULT_APP_ID } from '../../domain/apps.ts';
import type { TeamsChannels } from '../../ports.ts';

export function appTeamsChannels(catalogue: Pick<Catalogue, 'get'>, defaultAppUrl: string | null): TeamsChannels {
  return {
    async targetFor(request) {
      const app = await catalogue.get(request.appId);
      if (!app) return null;
      const webhookUrl = app.teamsWebhookUrl ?? (app.id === DEFAULT_APP_ID ? defaultAppUrl : null);
      if (!webhookUrl) return null;
      const answers = app.questions
        .filter((question) => (request.answers[question.id] ?? '') !== '')
        .map((question) => ({ label: question.label, value: request.answers[question.id]! }));
      return { webhookUrl, appName: app.name, answers };
    },
  };
}

/** One channel for every request whatever its app (tests, and a fixed channel). */
export function oneTeamsChannel(webhookUrl: string | null, appName: string): TeamsChannels {
  return {
    async targetFor() {
      return webhookUrl ? { webhookUrl, appName, answers: [] } : null;
    },
  };
}
