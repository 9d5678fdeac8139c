import type { MemoryConfig } from '@nightshift/config';
import { MEMORY_CONSOLIDATION_SCHEDULER } from '@nightshift/contracts';
import type { JobQueue } from '@nightshift/service-shell';

/** Registers (or updates) the one job scheduler that consolidates memory every `consolidateEveryHours`. */
export async function scheduleConsolidation(
  queue: JobQueue<'memoryOutcomes'>,
  config: Pick<MemoryConfig, 'consolidateEveryHours'>,
): Promise<void> {
  await queue.upsertJobScheduler(
    MEMORY_CONSOLIDATION_SCHEDULER,
    { every: config.consolidateEveryHours * 3_600_000 },
    {
      name: 'memory.consolidate',
      data: {},
      opts: { removeOnComplete: { count: 20 }, removeOnFail: { count: 20 } },
    },
  );
}
