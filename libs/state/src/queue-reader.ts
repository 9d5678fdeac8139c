import type { Redis } from 'ioredis';

/** The job states the fleet reports; `waiting` is BullMQ's `wait` list. */
export type QueueJobState =
  'waiting' | 'prioritized' | 'active' | 'delayed' | 'failed' | 'completed' | 'waiting-children';

const LISTS = new Set<QueueJobState>(['waiting', 'active']);
const keyOf = (state: QueueJobState) => (state === 'waiting' ? 'wait' : state);
/** BullMQ before v5 left a marker ("0:…") at the tail of the wait list; it is not a job. */
const isMarker = (id: string | null) => id !== null && id.startsWith('0:');

/**
 * Reads BullMQ queues with plain Redis commands — counts per state, the oldest job's age, one job's
 * state — giving exactly what BullMQ's own Queue getters give (queue-reader.integration.spec.ts
 * checks them against BullMQ itself, so an upgrade that moves a key fails there). It exists so the
 * read-only paths (`nightshift status`, the fleet state) need not load BullMQ, which is most of a CLI
 * command's start-up.
 */
export class QueueReader {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'bull',
  ) {}

  async counts<S extends QueueJobState>(queue: string, states: readonly S[]): Promise<Record<S, number>> {
    const pipeline = this.redis.pipeline();
    for (const state of states) {
      const key = this.key(queue, keyOf(state));
      if (LISTS.has(state)) pipeline.llen(key).lindex(key, -1);
      else pipeline.zcard(key);
    }
    const replies = ((await pipeline.exec()) ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    const counts = {} as Record<S, number>;
    for (const state of states) {
      const n = Number(replies.shift());
      counts[state] = LISTS.has(state) ? Math.max(0, n - (isMarker(replies.shift() as string | null) ? 1 : 0)) : n;
    }
    return counts;
  }

  /** When the first job BullMQ lists for `state` in ascending order was added (ms), or null when there is none. */
  async oldestTimestamp(queue: string, state: QueueJobState): Promise<number | null> {
    const key = this.key(queue, keyOf(state));
    let id: string | null;
    if (LISTS.has(state)) {
      const tail = await this.redis.lrange(key, -2, -1);
      id = [...tail].reverse().find((t) => !isMarker(t)) ?? null;
    } else {
      id = (await this.redis.zrange(key, '0', '0'))[0] ?? null;
    }
    if (id === null) return null;
    const timestamp = await this.redis.hget(this.key(queue, id), 'timestamp');
    return timestamp === null ? null : Number(timestamp);
  }

  /** The job's state as BullMQ's `getJobState` names it (`unknown` when the job is nowhere). */
  async jobState(queue: string, jobId: string): Promise<QueueJobState | 'unknown'> {
    const [completed, failed, delayed, prioritized, active, wait, paused, children] = await this.redis
      .pipeline()
      .zscore(this.key(queue, 'completed'), jobId)
      .zscore(this.key(queue, 'failed'), jobId)
      .zscore(this.key(queue, 'delayed'), jobId)
      .zscore(this.key(queue, 'prioritized'), jobId)
      .lpos(this.key(queue, 'active'), jobId)
      .lpos(this.key(queue, 'wait'), jobId)
      .lpos(this.key(queue, 'paused'), jobId)
      .zscore(this.key(queue, 'waiting-children'), jobId)
      .exec()
      .then((replies) => (replies ?? []).map(([err, value]) => (err ? null : value)));
    if (completed !== null) return 'completed';
    if (failed !== null) return 'failed';
    if (delayed !== null) return 'delayed';
    if (prioritized !== null) return 'prioritized';
    if (active !== null) return 'active';
    if (wait !== null || paused !== null) return 'waiting';
    return children !== null ? 'waiting-children' : 'unknown';
  }

  private key(queue: string, suffix: string): string {
    return `${this.prefix}:${queue}:${suffix}`;
  }
}
