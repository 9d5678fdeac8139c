import { Queue } from 'bullmq';
import { INTAKE_QUEUE } from '@nightshift/contracts';
import { EventLog } from '@nightshift/state';
import { bootService, createTracker, INTAKE_JOB_DEFAULTS, logErrors } from '@nightshift/wiring';
import { TicketScanner } from './ticket-scanner';

void bootService('ticket-scanner', async (runtime, config) => {
  const intake = logErrors(new Queue(INTAKE_QUEUE, { connection: runtime.redis, defaultJobOptions: INTAKE_JOB_DEFAULTS }), runtime.logger, 'intake queue');
  const scanner = new TicketScanner({
    tracker: createTracker(config),
    intake,
    events: new EventLog(runtime.redis),
    logger: runtime.logger,
    registry: runtime.registry,
    queueStates: config.tracker.states.queue,
    scanIntervalMs: config.tracker.scanIntervalSec * 1000,
  });
  runtime.onClose(intake);
  runtime.onClose(scanner);
  return { start: () => scanner.start() };
});
