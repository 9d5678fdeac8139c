import type { NightshiftConfig } from '@nightshift/config';
import { INTAKE_QUEUE, sessionJobId, sessionQueueName, worktreeQueueName } from '@nightshift/contracts';
import {
  Claims,
  DispatchWaiting,
  type LiveSession,
  type Pause,
  PauseStore,
  QueueReader,
  type RunTotals,
  RunTotalsReader,
  SessionRegistry,
  TrackerPolls,
} from '@nightshift/state';
import { describeScope, type PauseScope } from '@nightshift/state';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** Job states reported per queue; the first four also get the age of their oldest job. */
export const QUEUE_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];
const AGED_STATES: QueueState[] = ['waiting', 'prioritized', 'active', 'delayed'];
/** States in which a session job still means "someone will run this ticket". */
const PENDING_STATES = new Set(['waiting', 'prioritized', 'active', 'delayed', 'waiting-children']);

export interface QueueSnapshot {
  name: string;
  counts: Record<QueueState, number>;
  /** Seconds since the oldest job in each state was added; null when the state is empty. */
  oldestAgeSec: Partial<Record<QueueState, number | null>>;
}

export interface PauseSnapshot extends Pause {
  /** `intake` or `account:<name>`: the metrics' `scope` label. */
  scopeLabel: string;
  description: string;
  /** Seconds until the pause ends by itself; null = until a human resumes. */
  remainingSec: number | null;
  ageSec: number;
}

export interface FleetState {
  at: string;
  /** Hosts and slots from config (host registration will replace this); live sessions counted per host. */
  hosts: Array<{ name: string; capabilities: string[]; slots: number; sessions: number }>;
  queues: QueueSnapshot[];
  pauses: PauseSnapshot[];
  sessions: LiveSession[];
  /** tracker kind → ISO time of its last successful poll. */
  trackerLastSuccess: Record<string, string>;
  /** Claimed tickets that no live session and no pending session job will ever finish. */
  stranded: Array<{ ticket: string; runId: string }>;
  /** Capability → tickets left in the queue state for want of a free slot (offered within three scans). */
  dispatchWaiting: Record<string, number>;
  totals: RunTotalRows;
}

/** Run totals as rows (JSON-friendly): finished runs, tokens and USD by the metrics' labels. */
export interface RunTotalRows {
  runs: Array<{ outcome: string; model: string; repo: string; count: number }>;
  tokens: Array<{ kind: string; model: string; repo: string; account: string; tokens: number }>;
  costUsd: Array<{ model: string; repo: string; account: string; agent: string; usd: number }>;
}

function rows(totals: RunTotals): RunTotalRows {
  const split = (map: Map<string, number>) => [...map].map(([key, n]) => [key.split('|'), n] as const);
  return {
    runs: split(totals.runs).map(([[outcome = '', model = '', repo = ''], count]) => ({ outcome, model, repo, count })),
    tokens: split(totals.tokens).map(([[kind = '', model = '', repo = '', account = ''], tokens]) => ({
      kind,
      model,
      repo,
      account,
      tokens,
    })),
    costUsd: split(totals.costUsd).map(([[model = '', repo = '', account = '', agent = 'claude-code'], usd]) => ({
      model,
      repo,
      account,
      agent,
      usd,
    })),
  };
}

/**
 * Reads the whole swarm's state from Redis and BullMQ: what `nightshift status`, the operator API and
 * the metrics-exporter all report, from one place. Keeps its queue handles and its run-totals cursor
 * between reads; `close()` when done.
 */
export class FleetStateReader {
  private readonly queues = new Map<string, Queue>();
  private readonly totals: RunTotalsReader;
  private readonly reader: QueueReader;

  constructor(
    private readonly redis: Redis,
    private readonly config: NightshiftConfig,
  ) {
    this.totals = new RunTotalsReader(redis);
    this.reader = new QueueReader(redis);
  }

  /** intake, every capability's session queue, every host's worktree queue. */
  queueNames(): string[] {
    const capabilities = [...new Set(this.config.hosts.flatMap((h) => h.capabilities))];
    return [
      INTAKE_QUEUE,
      ...capabilities.map(sessionQueueName),
      ...this.config.hosts.map((h) => worktreeQueueName(h.name)),
    ];
  }

  /** A BullMQ handle on one queue (the queue board needs them); reading the state does not, so BullMQ loads only here. */
  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      const { Queue: BullQueue } = require('bullmq') as typeof import('bullmq');
      queue = new BullQueue(name, { connection: this.redis });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async read(now = new Date()): Promise<FleetState> {
    const [queues, pauses, sessions, polls, stranded, totals, dispatchWaiting] = await Promise.all([
      Promise.all(this.queueNames().map((name) => this.snapshot(name, now))),
      new PauseStore(this.redis).active(now),
      new SessionRegistry(this.redis).list(),
      new TrackerPolls(this.redis).lastSuccess(),
      this.stranded(),
      this.totals.read(now.getTime()),
      // A ticket still waiting is offered again by every scan: one not offered for three scans waits no more.
      new DispatchWaiting(this.redis).counts(3 * this.config.tracker.scanIntervalSec * 1000, now.getTime()),
    ]);
    return {
      at: now.toISOString(),
      hosts: this.config.hosts.map((h) => ({
        name: h.name,
        capabilities: h.capabilities,
        slots: h.slots,
        sessions: sessions.filter((s) => s.host === h.name).length,
      })),
      queues,
      pauses: pauses.map((p) => ({
        ...p,
        scopeLabel: scopeLabel(p.scope),
        description: describeScope(p.scope),
        remainingSec: p.until === null ? null : Math.max(0, (Date.parse(p.until) - now.getTime()) / 1000),
        ageSec: Math.max(0, (now.getTime() - Date.parse(p.since)) / 1000),
      })),
      sessions,
      trackerLastSuccess: Object.fromEntries(Object.entries(polls).map(([t, ms]) => [t, new Date(ms).toISOString()])),
      stranded,
      dispatchWaiting,
      totals: rows(totals),
    };
  }

  private async snapshot(name: string, now: Date): Promise<QueueSnapshot> {
    const counts = await this.reader.counts(name, QUEUE_STATES);
    const oldestAgeSec: QueueSnapshot['oldestAgeSec'] = {};
    await Promise.all(
      AGED_STATES.map(async (state) => {
        const oldest = counts[state] ? await this.reader.oldestTimestamp(name, state) : null;
        oldestAgeSec[state] = oldest === null ? null : Math.max(0, (now.getTime() - oldest) / 1000);
      }),
    );
    return { name, counts, oldestAgeSec };
  }

  /** A claim whose run has no live session and no pending session job: nothing will ever finish or release it but its lease. */
  private async stranded(): Promise<Array<{ ticket: string; runId: string }>> {
    const claims = await new Claims(this.redis).list();
    if (claims.length === 0) return [];
    const live = new Set((await new SessionRegistry(this.redis).list()).map((s) => s.runId));
    const sessionQueues = this.queueNames().filter((n) => n.startsWith(sessionQueueName('')));
    const out: Array<{ ticket: string; runId: string }> = [];
    for (const claim of claims) {
      if (live.has(claim.runId)) continue;
      const states = await Promise.all(sessionQueues.map((q) => this.reader.jobState(q, sessionJobId(claim.runId))));
      if (!states.some((s) => PENDING_STATES.has(s))) out.push({ ticket: claim.ticket, runId: claim.runId });
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}

/** A pause scope as one label value: `intake`, `account:A`, `repo:R` or `ticket:T`. */
function scopeLabel(scope: PauseScope): string {
  if (scope.kind === 'intake') return 'intake';
  if (scope.kind === 'account') return `account:${scope.account}`;
  return scope.kind === 'repo' ? `repo:${scope.repo}` : `ticket:${scope.ticket}`;
}
