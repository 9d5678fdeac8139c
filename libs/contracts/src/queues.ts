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
} from './memory-payloads';
import type { IntakeJob, IntakeResult, SessionJob, SessionResult, WorktreeJob, WorktreeResult } from './payloads';

/*
 * The wire format between services: queue name -> job name -> payload -> result.
 * Queue and job names are persisted in Redis with in-flight jobs: never rename one that has shipped.
 * BullMQ forbids ':' in queue names, hence the dots.
 */

/** Queue that carries tickets from the scanner (poll or webhook) to the router. */
export const INTAKE_QUEUE = 'intake';
/** One queue per capability (`linux`, `mobile`, ...): a session job only reaches hosts that serve it. */
export const sessionQueueName = (capability: string): string => `session.${capability}`;
/** One queue per host: the worktree-manager on that host owns its disk. */
export const worktreeQueueName = (host: string): string => `worktree.${host}`;

/** Interactive memory requests (recall before a prompt, CLI search/stats/forget), answered by the memory-consolidator. */
export const MEMORY_REQUESTS_QUEUE = 'memory.requests';
/** Session outcomes to learn from, and the scheduled consolidation: slow work kept off the recall path. */
export const MEMORY_OUTCOMES_QUEUE = 'memory.outcomes';

export const JOB = {
  intake: 'ticket.intake',
  session: 'session.run',
  worktreeCreate: 'worktree.create',
  worktreeRemove: 'worktree.remove',
  memoryRecall: 'memory.recall',
  memoryStats: 'memory.stats',
  memoryForget: 'memory.forget',
  memoryOutcome: 'memory.outcome',
  memoryConsolidate: 'memory.consolidate',
} as const;

export type JobName = (typeof JOB)[keyof typeof JOB];

/** The one table: for each job name, what it carries and what it returns. */
export interface JobTable {
  'ticket.intake': { payload: IntakeJob; result: IntakeResult };
  'session.run': { payload: SessionJob; result: SessionResult };
  'worktree.create': { payload: WorktreeJob; result: WorktreeResult };
  'worktree.remove': { payload: WorktreeJob; result: WorktreeResult };
  'memory.recall': { payload: RecallRequest; result: RecallResult };
  'memory.stats': { payload: MemoryStatsRequest; result: MemoryStatsResult };
  'memory.forget': { payload: MemoryForgetRequest; result: MemoryForgetResult };
  'memory.outcome': { payload: MemoryOutcomeJob; result: MemoryOutcomeResult };
  'memory.consolidate': { payload: ConsolidateJob; result: ConsolidationReport };
}

export type PayloadOf<N extends JobName> = JobTable[N]['payload'];
export type ResultOf<N extends JobName> = JobTable[N]['result'];

/** Which job names each queue family may hold; workers check at boot that each has exactly one handler. */
export const QUEUE_JOBS = {
  intake: [JOB.intake],
  session: [JOB.session],
  worktree: [JOB.worktreeCreate, JOB.worktreeRemove],
  memoryRequests: [JOB.memoryRecall, JOB.memoryStats, JOB.memoryForget],
  memoryOutcomes: [JOB.memoryOutcome, JOB.memoryConsolidate],
} as const satisfies Record<string, readonly JobName[]>;

/** Deterministic job ids: Redis refuses a second job with the same id, so a ticket is never doubled in a queue. */
export const intakeJobId = (ticketKey: string): string => `intake-${encodeURIComponent(ticketKey)}`;
export const sessionJobId = (runId: string): string => `session-${encodeURIComponent(runId)}`;
/** One outcome per run: a rerun of the same run id while the first is still queued is refused by Redis. */
export const memoryOutcomeJobId = (runId: string): string => `memory-outcome-${encodeURIComponent(runId)}`;
/** The id of the 6-hourly consolidation scheduler (upserted at every consolidator start, so there is one). */
export const MEMORY_CONSOLIDATION_SCHEDULER = 'memory-consolidation';
