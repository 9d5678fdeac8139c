import type { NightshiftConfig } from '@nightshift/config';
import type { JobQueue, ServiceRuntime } from '@nightshift/service-shell';
import type { EventLog } from '@nightshift/state';
import type { Tracker } from '@nightshift/tracker';

import { WebhookIntake } from './webhook-intake';
import { webhookRoutes } from './webhook-routes';

/** Adds the tracker's webhook endpoint to the scanner's HTTP server when the config asks for one. */
export function attachWebhooks(
  runtime: ServiceRuntime,
  config: NightshiftConfig,
  deps: { tracker: Tracker; intake: JobQueue<'intake'>; events: EventLog },
): void {
  const intake = new WebhookIntake({
    ...deps,
    redis: runtime.redis,
    logger: runtime.logger,
    registry: runtime.registry,
    queueStates: config.tracker.states.queue,
  });
  const routes = webhookRoutes(config, intake);
  if (!routes) return;
  runtime.routes.push(routes);
  runtime.logger.info({ path: `/webhooks/${config.tracker.kind}` }, 'tracker webhooks enabled');
}
