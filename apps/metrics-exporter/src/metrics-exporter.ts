import { createTracker } from '@nightshift/adapter-factories';
import type { NightshiftConfig } from '@nightshift/config';
import { type FleetState, FleetStateReader } from '@nightshift/fleet';
import { notifierFromEnv } from '@nightshift/notify';
import type { ServiceRuntime } from '@nightshift/service-shell';
import { EventLog } from '@nightshift/state';
import type { Tracker } from '@nightshift/tracker';

import { apiAccess } from './api-auth';
import { registerConsole } from './console/console-routes';
import { registerFleetMetrics } from './fleet-metrics';
import { registerOperatorApi } from './operator-api';
import { registerQueueBoard } from './queue-board';
import { TicketMoveCounter } from './ticket-moves';

/** One fleet read serves every metric of one scrape (the collectors run concurrently). */
const SCRAPE_CACHE_MS = 1000;

/**
 * The metrics-exporter: fleet-level `/metrics`, the operator API (`/api/v1`), the operator console (`/console`)
 * and the queue board (`/queues`) on one fastify server, all reading Redis through the same FleetStateReader.
 */
export async function buildMetricsExporter(
  runtime: ServiceRuntime,
  config: NightshiftConfig,
): Promise<{ start(): void }> {
  const fleet = new FleetStateReader(runtime.redis, config);
  let cached: { at: number; state: Promise<FleetState> } | undefined;
  const fleetForScrape = (): Promise<FleetState> => {
    if (!cached || Date.now() - cached.at > SCRAPE_CACHE_MS) cached = { at: Date.now(), state: fleet.read() };
    return cached.state;
  };
  const moves = new TicketMoveCounter(new EventLog(runtime.redis));
  registerFleetMetrics(runtime.registry, config, { fleet: fleetForScrape, ticketMoves: () => moves.read() });

  const access = apiAccess({
    host: config.http.host,
    tokenEnv: config.observability.apiTokenEnv,
    allowedHosts: config.observability.apiAllowedHosts,
    openWrites: config.observability.apiOpenWrites,
  });
  if (!access.openWithoutToken && !access.token) {
    runtime.logger.warn(
      { host: config.http.host, tokenEnv: access.tokenEnv },
      'http.host is not loopback and no API token is set: the operator API and queue board refuse every call',
    );
  }
  const notifier = notifierFromEnv(runtime.logger, config.notifications.slackWebhookEnv);
  // Made on first use (Tickets, Retry): the exporter starts, and serves metrics, without the tracker's token.
  let made: Tracker | undefined;
  const tracker = (): Tracker => (made ??= createTracker(config));
  runtime.routes.push(async (app) => {
    const deps = { redis: runtime.redis, config, fleet, access, tracker };
    await registerOperatorApi(app, { ...deps, notifier, logger: runtime.logger });
    await registerConsole(app, deps);
    await registerQueueBoard(
      app,
      fleet.queueNames().map((name) => fleet.queue(name)),
      access,
    );
  });
  runtime.onClose(fleet);
  return { start: () => undefined };
}
