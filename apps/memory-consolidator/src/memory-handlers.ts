import type { MemoryConfig } from '@nightshift/config';
import type {
  ConsolidateJob,
  ConsolidationReport,
  MemoryForgetRequest,
  MemoryForgetResult,
  MemoryOutcomeJob,
  MemoryOutcomeResult,
  MemoryStatsRequest,
  MemoryStatsResult,
  RecallRequest,
  RecallResult,
} from '@nightshift/contracts';
import { consolidate, type Memory } from '@nightshift/memory';
import type { EventLog } from '@nightshift/state';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Per-repo digests written by consolidation, and the last consolidation report. */
export const DIGESTS_KEY = 'nightshift:memory:digests';
export const LAST_CONSOLIDATION_KEY = 'nightshift:memory:consolidation';

export interface MemoryHandlerDeps {
  memory: Memory;
  config: MemoryConfig;
  redis: Redis;
  events: EventLog;
  logger: Logger;
  now?: () => Date;
}

/** What the consolidator does with each job of its two queues. */
export function memoryHandlers(deps: MemoryHandlerDeps) {
  const { memory } = deps;
  const now = deps.now ?? (() => new Date());
  return {
    recall: async (req: RecallRequest): Promise<RecallResult> => {
      // Nobody waits for an answer past its deadline: skip the work.
      if (Date.now() > req.deadline) return { learnings: [], answered: false };
      return { learnings: await memory.recall(req), answered: true };
    },
    stats: async (req: MemoryStatsRequest): Promise<MemoryStatsResult> => {
      const all = (await memory.all()).filter((l) => !req.repo || l.repo === req.repo);
      const tally = (key: (l: (typeof all)[number]) => string) =>
        all.reduce<Record<string, number>>((acc, l) => ({ ...acc, [key(l)]: (acc[key(l)] ?? 0) + 1 }), {});
      const last = await deps.redis.get(LAST_CONSOLIDATION_KEY);
      const digests = await deps.redis.hgetall(DIGESTS_KEY);
      return {
        backend: memory.store.name,
        embedder: memory.embedder.name,
        dimension: memory.embedder.dimension,
        total: all.length,
        byStatus: tally((l) => l.status),
        byRepo: tally((l) => l.repo),
        lastConsolidation: last ? (JSON.parse(last) as ConsolidationReport) : undefined,
        digests: req.repo ? Object.fromEntries(Object.entries(digests).filter(([r]) => r === req.repo)) : digests,
      };
    },
    forget: async (req: MemoryForgetRequest): Promise<MemoryForgetResult> => ({ removed: await memory.forget(req.id) }),
    outcome: async (o: MemoryOutcomeJob): Promise<MemoryOutcomeResult> => {
      const result = await memory.record(o);
      if (result.action !== 'ignored' || result.trusted.length) {
        await deps.events.append({
          type: 'memory.learned',
          repo: o.repo,
          run: o.runId,
          ticket: o.tickets[0],
          detail: { action: result.action, learning: result.learningId ?? '', trusted: result.trusted.length },
        });
      }
      return result;
    },
    consolidate: async (job: ConsolidateJob): Promise<ConsolidationReport> => {
      const { report, digests } = await consolidate(memory, {
        now: job.at ? new Date(job.at) : now(),
        decayDays: deps.config.decayDays,
      });
      const tx = deps.redis.multi().del(DIGESTS_KEY);
      if (Object.keys(digests).length) tx.hset(DIGESTS_KEY, digests);
      await tx.set(LAST_CONSOLIDATION_KEY, JSON.stringify(report)).exec();
      await deps.events.append({
        type: 'memory.consolidated',
        detail: {
          before: report.before,
          after: report.after,
          merged: report.merged,
          decayed: report.decayed,
          superseded: report.superseded,
        },
      });
      deps.logger.info(report, 'memory consolidated');
      return report;
    },
  };
}
