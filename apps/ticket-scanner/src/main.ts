import { createForge, createTracker } from '@nightshift/adapter-factories';
import { INTAKE_QUEUE, sessionQueueName } from '@nightshift/contracts';
import { notifierFromEnv } from '@nightshift/notify';
import { announceEndedPauses, pauseIntakeOnFastFailStorm } from '@nightshift/pause-policy';
import { bootService } from '@nightshift/service-boot';
import { createJobQueue } from '@nightshift/service-shell';
import { INTAKE_JOB_DEFAULTS, logErrors } from '@nightshift/service-shell';
import {
  Claims,
  EventLog,
  FollowUps,
  onRefreshRequest,
  PauseStore,
  PushedHeads,
  RunStore,
  SessionRegistry,
  TicketCounters,
  TrackerPolls,
} from '@nightshift/state';
import { Queue } from 'bullmq';

import { prRebasesCounter, watchBaseMoves } from './base-move-watch';
import { IgnoredFeedback } from './ignored-feedback';
import { reconcileSessions } from './reconcile-sessions';
import { requeueStranded } from './requeue-stranded';
import { watchReviews } from './review-watch';
import { TicketScanner } from './ticket-scanner';
import { withTrackerMetrics } from './tracker-metrics';
import { attachWebhooks } from './webhooks/attach-webhooks';

void bootService('ticket-scanner', async (runtime, config) => {
  const intake = logErrors(
    createJobQueue('intake', INTAKE_QUEUE, { connection: runtime.redis, defaultJobOptions: INTAKE_JOB_DEFAULTS }),
    runtime.logger,
    'intake queue',
  );
  const tracker = withTrackerMetrics(createTracker(config, process.env, { redis: runtime.redis }), runtime.registry);
  const events = new EventLog(runtime.redis);
  const pauses = new PauseStore(runtime.redis);
  const runs = new RunStore(runtime.redis);
  const notifier = notifierFromEnv(runtime.logger, config.notifications.slackWebhookEnv);
  const states = config.tracker.states;
  const scanIntervalMs = config.tracker.scanIntervalSec * 1000;
  attachWebhooks(runtime, config, { tracker, intake, events });
  const sessionQueues = [...new Set(config.hosts.flatMap((h) => h.capabilities))].map((c) => {
    const queue = logErrors(
      new Queue(sessionQueueName(c), { connection: runtime.redis }),
      runtime.logger,
      'session queue',
    );
    runtime.onClose(queue);
    return queue;
  });
  const stranded = {
    config,
    tracker,
    redis: runtime.redis,
    claims: new Claims(runtime.redis),
    sessions: new SessionRegistry(runtime.redis),
    counters: new TicketCounters(runtime.redis),
    events,
    sessionQueues,
    logger: runtime.logger,
  };
  const reviews = {
    config,
    tracker,
    forge: createForge(config, process.env, { redis: runtime.redis }),
    runs,
    followUps: new FollowUps(runtime.redis),
    counters: stranded.counters,
    events,
    logger: runtime.logger,
    ignored: new IgnoredFeedback(events, runtime.registry),
  };
  const baseMoves = {
    ...reviews,
    pushedHeads: new PushedHeads(runtime.redis),
    rebases: prRebasesCounter(runtime.registry),
    lastRemoteCheck: new Map<string, number>(),
  };
  const scanner = new TicketScanner({
    tracker,
    intake,
    events,
    logger: runtime.logger,
    registry: runtime.registry,
    queueStates: states.queue,
    scanIntervalMs,
    pollBudgetShare: config.tracker.pollBudgetShare,
    onPace: (pace) => new TrackerPolls(runtime.redis).recordPace(tracker.kind, pace),
    afterScan: [
      // Only reached when the tracker answered: lets a dashboard tell "no work" from "polling failed".
      () => new TrackerPolls(runtime.redis).recordSuccess(tracker.kind),
      () => requeueStranded(stranded),
      () => watchReviews(reviews),
      () => watchBaseMoves(baseMoves),
      () =>
        reconcileSessions({
          tracker,
          sessions: new SessionRegistry(runtime.redis),
          redis: runtime.redis,
          events,
          logger: runtime.logger,
          activeStates: [states.inProgress],
          terminalStates: [states.done],
        }),
      () => pauseIntakeOnFastFailStorm({ pauses, events, notifier, runs, config }, scanIntervalMs, 'ticket-scanner'),
    ],
  });
  // Pauses end at their reset instant, not at the next scan: look every second.
  const pauseTimer = setInterval(() => {
    announceEndedPauses({ pauses, events, notifier }).catch((err: unknown) =>
      runtime.logger.warn({ err: String(err) }, 'pause check failed'),
    );
  }, 1000);
  runtime.onClose(intake);
  runtime.onClose(scanner);
  runtime.onClose({ close: async () => clearInterval(pauseTimer) });
  return {
    start: async () => {
      scanner.start();
      // An operator's `POST /api/v1/refresh` (metrics-exporter) scans at once, like a tracker change signal.
      await onRefreshRequest(runtime.newRedis('refresh'), () => void scanner.scanSoon('signal'));
    },
  };
});
