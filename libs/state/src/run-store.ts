import type { Redis } from 'ioredis';
import type { RunRecord } from '@nightshift/contracts';
import { KEY } from './keys';

/** One stored record per execution: a rerun of the same session job (after a rate limit) keeps the earlier one. */
export const runRecordKey = (run: Pick<RunRecord, 'runId' | 'execution'>): string => (run.execution && run.execution > 1 ? `${run.runId}~${run.execution}` : run.runId);

/** Every agent launch, kept for `nightshift runs` and the metrics. */
export class RunStore {
  constructor(private readonly redis: Redis) {}

  async save(run: RunRecord): Promise<void> {
    await this.redis
      .multi()
      .hset(KEY.runs, runRecordKey(run), JSON.stringify(run))
      .zadd(KEY.runsByTime, Date.parse(run.startedAt), runRecordKey(run))
      .exec();
  }

  /** Forgets a record whose session never launched (it went back to wait for a pause): not a run. */
  async discard(run: Pick<RunRecord, 'runId' | 'execution'>): Promise<void> {
    await this.redis.multi().hdel(KEY.runs, runRecordKey(run)).zrem(KEY.runsByTime, runRecordKey(run)).exec();
  }

  /** A record by its key (`runId`, or `runId~N` for the Nth execution). */
  async get(key: string): Promise<RunRecord | null> {
    const raw = await this.redis.hget(KEY.runs, key);
    return raw ? (JSON.parse(raw) as RunRecord) : null;
  }

  /** The most recent runs, oldest first. */
  async list(limit = 1000): Promise<RunRecord[]> {
    const ids = await this.redis.zrange(KEY.runsByTime, String(-limit), "-1");
    if (ids.length === 0) return [];
    const raws = await this.redis.hmget(KEY.runs, ...ids);
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as RunRecord);
  }
}
