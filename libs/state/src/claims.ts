import type { Redis } from 'ioredis';

import { KEY } from './keys';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Ticket claims with leases: the one thing that keeps two directors (or a crashed one's retry and a
 * fresh scan) from working the same ticket. A claim is owned by a run id; only its owner renews or releases it.
 */
export class Claims {
  constructor(private readonly redis: Redis) {}

  /** True when this run now owns the ticket (or already did: a retried job re-claims its own ticket). */
  async claim(ticket: string, runId: string, leaseMs: number): Promise<boolean> {
    const set = await this.redis.set(KEY.claim(ticket), runId, 'PX', leaseMs, 'NX');
    if (set === 'OK') return true;
    return await this.renew(ticket, runId, leaseMs);
  }

  /** Extends the lease if `runId` still owns it. */
  async renew(ticket: string, runId: string, leaseMs: number): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, KEY.claim(ticket), runId, String(leaseMs))) === 1;
  }

  /** Releases the claim if `runId` owns it; a claim taken over by another run is left alone. */
  async release(ticket: string, runId: string): Promise<boolean> {
    return (await this.redis.eval(RELEASE, 1, KEY.claim(ticket), runId)) === 1;
  }

  /** Every claim with its holder and the lease left (ms); for the reaper's stale-claim sweep. */
  async list(): Promise<Array<{ ticket: string; runId: string; ttlMs: number }>> {
    const prefix = KEY.claim('');
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    const rows = await Promise.all(
      keys.map(async (key) => ({
        ticket: key.slice(prefix.length),
        runId: await this.redis.get(key),
        ttlMs: await this.redis.pttl(key),
      })),
    );
    return rows.filter((r): r is { ticket: string; runId: string; ttlMs: number } => r.runId !== null);
  }

  holder(ticket: string): Promise<string | null> {
    return this.redis.get(KEY.claim(ticket));
  }
}
