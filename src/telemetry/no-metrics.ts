// When nothing scrapes (neither GUESTLIST_METRICS_TOKEN nor GUESTLIST_METRICS_PORT is set):
// nothing is counted, and prom-client is not even loaded (main.ts imports metrics.ts only then).
import type { Metrics } from './metrics.ts';

export const noMetrics: Metrics = {
  graphCall() {},
  throttleWait() {},
  invitation() {},
  email() {},
  requestEvent() {},
  approveToInvited() {},
  async render() {
    return { contentType: 'text/plain', body: '' };
  },
};
