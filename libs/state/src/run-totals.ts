import type { RunRecord } from '@nightshift/contracts';
import type { Redis } from 'ioredis';

import { KEY } from './keys';

/** Totals over every finished run, by the labels the metrics use (never per ticket: unbounded). */
export interface RunTotals {
  /** `outcome|model|repo` → runs. */
  runs: Map<string, number>;
  /** `kind|model|repo|account` → tokens. */
  tokens: Map<string, number>;
  /** `model|repo|account|agent` → USD (the agent CLI names the vendor that bills it). */
  costUsd: Map<string, number>;
}

/** A finished record is still rewritten once right after it ends (PR link, final outcome); after this it is final. */
const SETTLE_MS = 5 * 60_000;
/** A record never finished this long after it started belongs to a runner that died; it counts as nothing. */
const ABANDON_MS = 24 * 3_600_000;

const emptyTotals = (): RunTotals => ({ runs: new Map(), tokens: new Map(), costUsd: new Map() });

function add(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

function addRun(totals: RunTotals, run: RunRecord): void {
  if (!run.outcome) return;
  const account = run.account ?? 'unknown';
  add(totals.runs, `${run.outcome}|${run.model}|${run.repo}`, 1);
  for (const [kind, n] of Object.entries(run.usage ?? {}))
    add(totals.tokens, `${kind}|${run.model}|${run.repo}|${account}`, n);
  if (run.costUsd)
    add(totals.costUsd, `${run.model}|${run.repo}|${account}|${run.agent ?? 'claude-code'}`, run.costUsd);
}

function merge(into: RunTotals, from: RunTotals): RunTotals {
  for (const field of ['runs', 'tokens', 'costUsd'] as const) for (const [k, v] of from[field]) add(into[field], k, v);
  return into;
}

/**
 * Exact run totals from the run records in Redis, read incrementally: records that can no longer
 * change are folded into running sums once, so each read fetches only recent runs. A fresh reader
 * (after a restart) starts from the first record, so totals survive restarts of the exporter.
 */
export class RunTotalsReader {
  private readonly settled = emptyTotals();
  /** Records at or after this start time (ms) are read again; older ones are settled. */
  private lowWater = 0;
  /** Settled record keys at or after `lowWater` (a range read is inclusive), so none counts twice. */
  private settledKeys = new Map<string, number>();

  constructor(private readonly redis: Redis) {}

  async read(now = Date.now()): Promise<RunTotals> {
    const flat = await this.redis.zrangebyscore(KEY.runsByTime, this.lowWater, '+inf', 'WITHSCORES');
    const ids: Array<[string, number]> = [];
    for (let i = 0; i < flat.length; i += 2)
      if (!this.settledKeys.has(flat[i]!)) ids.push([flat[i]!, Number(flat[i + 1])]);
    const raws = ids.length > 0 ? await this.redis.hmget(KEY.runs, ...ids.map(([id]) => id)) : [];
    const live = emptyTotals();
    let nextLow = Number.POSITIVE_INFINITY;
    ids.forEach(([id, startedMs], i) => {
      const raw = raws[i];
      const run = raw ? (JSON.parse(raw) as RunRecord) : null;
      const final =
        run === null || (run.finishedAt ? Date.parse(run.finishedAt) + SETTLE_MS < now : startedMs + ABANDON_MS < now);
      if (final) {
        if (run) addRun(this.settled, run);
        this.settledKeys.set(id, startedMs);
      } else if (run) {
        addRun(live, run);
        nextLow = Math.min(nextLow, startedMs);
      }
    });
    if (nextLow === Number.POSITIVE_INFINITY) nextLow = flat.length > 0 ? Number(flat[flat.length - 1]) : this.lowWater;
    this.lowWater = nextLow;
    for (const [id, startedMs] of this.settledKeys) if (startedMs < this.lowWater) this.settledKeys.delete(id);
    return merge(merge(emptyTotals(), this.settled), live);
  }
}
