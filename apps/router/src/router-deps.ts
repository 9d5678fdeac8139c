import type { NightshiftConfig } from '@nightshift/config';
import type { Forge } from '@nightshift/forge';
import type { JobQueue } from '@nightshift/service-shell';
import type {
  Claims,
  EventLog,
  FollowUps,
  HostRegistry,
  PauseStore,
  RunStore,
  TicketCounters,
} from '@nightshift/state';
import type { Tracker } from '@nightshift/tracker';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Everything routing needs, built once per process by main.ts. */
export interface RouterDeps {
  config: NightshiftConfig;
  tracker: Tracker;
  forge: Forge;
  redis: Redis;
  claims: Claims;
  counters: TicketCounters;
  events: EventLog;
  pauses: PauseStore;
  runs: RunStore;
  followUps: FollowUps;
  /** Live hosts and their slots: the capacity dispatch fills. */
  hosts: HostRegistry;
  sessionQueue: (capability: string) => JobQueue<'session'>;
  logger: Logger;
}
