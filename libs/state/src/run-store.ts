import type { RunRecord } from '@nightshift/contracts';
import type { Redis } from 'ioredis';

import { KEY } from './keys';

/** The repo and branch a ticket's latest run worked on. */
export interface TicketBranch {
  repo: string;
  branch: string;
}

/** One stored record per execution: a rerun of the same session job (after a rate limit) keeps the earlier one. */
export const runRecordKey = (run: Pick<RunRecord, 'runId' | 'execution'>): string =>
  run.execution && run.execution > 1 ? `${run.runId}~${run.execution}` : run.runId;

/** Every agent launch, kept for `nightshift runs` and the metrics. */
export class RunStore {
  constructor(private readonly redis: Redis) {}

  async save(run: RunRecord): Promise<void> {
    const tx = this.redis
      .multi()
      .hset(KEY.runs, runRecordKey(run), JSON.stringify(run))
      .zadd(KEY.runsByTime, Date.parse(run.startedAt), runRecordKey(run));
    if (run.branch) {
      const at: TicketBranch = { repo: run.repo, branch: run.branch };
      for (const ticket of run.tickets) tx.hset(KEY.ticketBranch, ticket, JSON.stringify(at));
    }
    await tx.exec();
  }

  /**
   * Where the ticket's latest run worked: for a batch member, its lead's branch (where the batch's PR is, even
   * when that run died before recording the PR). One read, so the router can ask it for every ticket it considers.
   */
  async branchOf(ticket: string): Promise<TicketBranch | null> {
    const raw = await this.redis.hget(KEY.ticketBranch, ticket);
    return raw ? (JSON.parse(raw) as TicketBranch) : null;
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

  /** Runs started at or after `sinceMs`, oldest first: a recent window without reading the whole history. */
  async since(sinceMs: number, limit = 1000): Promise<RunRecord[]> {
    const ids = await this.redis.zrangebyscore(KEY.runsByTime, String(sinceMs), '+inf', 'LIMIT', 0, limit);
    if (ids.length === 0) return [];
    const raws = await this.redis.hmget(KEY.runs, ...ids);
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as RunRecord);
  }

  /**
   * The runs led by `ticket` (run ids `<ticket>.<n>`, with `~N` executions), found by Redis (HSCAN MATCH) so
   * only they cross the wire and get parsed, not the whole history: one ticket's finish stays O(its runs).
   */
  async ledBy(ticket: string): Promise<RunRecord[]> {
    const pattern = `${ticket.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}.*`;
    const out: RunRecord[] = [];
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(KEY.runs, cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      for (let i = 1; i < flat.length; i += 2) out.push(JSON.parse(flat[i]!) as RunRecord);
    } while (cursor !== '0');
    return out.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  }

  /** The most recent runs, oldest first. */
  async list(limit = 1000): Promise<RunRecord[]> {
    const ids = await this.redis.zrange(KEY.runsByTime, String(-limit), '-1');
    if (ids.length === 0) return [];
    const raws = await this.redis.hmget(KEY.runs, ...ids);
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as RunRecord);
  }
}
