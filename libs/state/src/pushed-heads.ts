import type { Redis } from 'ioredis';

import { KEY } from './keys';

/** How an open PR stands against its base, as the base-move watch last saw it. */
export interface PrBaseStanding {
  state: 'up-to-date' | 'behind' | 'conflicting' | 'rebased' | 'session' | 'human-pushed' | 'capped';
  /** The base commit it was compared with. */
  base: string;
  at: string;
}

/**
 * The commit Nightshift last pushed to each branch, and how each open PR stands against its base. The first is the
 * lease of any rewrite: a rebase is pushed only while the branch is still at that commit, so a human's commit on
 * the branch is never overwritten.
 */
export class PushedHeads {
  constructor(private readonly redis: Redis) {}

  async record(repo: string, branch: string, sha: string): Promise<void> {
    await this.redis.hset(KEY.pushedHeads, `${repo}\u0000${branch}`, sha);
  }

  /** The commit Nightshift last pushed to `branch` of `repo`, or null (none recorded: no lease can be pinned). */
  async last(repo: string, branch: string): Promise<string | null> {
    return this.redis.hget(KEY.pushedHeads, `${repo}\u0000${branch}`);
  }

  async setStanding(prUrl: string, standing: PrBaseStanding): Promise<void> {
    await this.redis.hset(KEY.prBaseStanding, prUrl, JSON.stringify(standing));
  }

  async standingOf(prUrl: string): Promise<PrBaseStanding | null> {
    const raw = await this.redis.hget(KEY.prBaseStanding, prUrl);
    return raw ? (JSON.parse(raw) as PrBaseStanding) : null;
  }

  /** Every PR's standing by url. */
  async standings(): Promise<Map<string, PrBaseStanding>> {
    const all = await this.redis.hgetall(KEY.prBaseStanding);
    return new Map(Object.entries(all).map(([url, raw]) => [url, JSON.parse(raw) as PrBaseStanding]));
  }
}
