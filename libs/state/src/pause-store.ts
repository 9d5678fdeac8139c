import type { Redis } from 'ioredis';

const PAUSES = 'nightshift:pauses';

/** What is paused: one agent account, or intake as a whole. */
export type PauseScope = { kind: 'account'; account: string } | { kind: 'intake' };

export interface Pause {
  scope: PauseScope;
  /** ISO instant the pause ends by itself; null = until a human resumes. */
  until: string | null;
  reason: string;
  by: string;
  since: string;
}

const field = (scope: PauseScope): string => (scope.kind === 'intake' ? 'intake' : `account:${scope.account}`);

/**
 * Pauses shared by every host through Redis. A pause ends by itself at `until`; `expire()` is what
 * notices that (and lets the caller say so), `active()` already ignores expired ones.
 */
export class PauseStore {
  constructor(private readonly redis: Redis) {}

  /** Sets or extends a pause; returns true when it was not paused before (a new pause worth announcing). */
  async pause(pause: Omit<Pause, 'since'>, now = new Date()): Promise<boolean> {
    const key = field(pause.scope);
    const existing = await this.get(pause.scope, now);
    const until = existing?.until && pause.until && existing.until > pause.until ? existing.until : pause.until;
    const next: Pause = { ...pause, until: existing && existing.until === null ? null : until, since: existing?.since ?? now.toISOString() };
    await this.redis.hset(PAUSES, key, JSON.stringify(next));
    return existing === null;
  }

  /** Removes a pause (a human resumed it); returns the pause that was lifted, if any. */
  async resume(scope: PauseScope): Promise<Pause | null> {
    const key = field(scope);
    const raw = await this.redis.hget(PAUSES, key);
    await this.redis.hdel(PAUSES, key);
    return raw ? (JSON.parse(raw) as Pause) : null;
  }

  /** The pause in force for `scope`, or null (expired pauses count as none). */
  async get(scope: PauseScope, now = new Date()): Promise<Pause | null> {
    const raw = await this.redis.hget(PAUSES, field(scope));
    if (!raw) return null;
    const pause = JSON.parse(raw) as Pause;
    return pause.until !== null && Date.parse(pause.until) <= now.getTime() ? null : pause;
  }

  /** Every pause in force. */
  async active(now = new Date()): Promise<Pause[]> {
    const all = Object.values(await this.redis.hgetall(PAUSES)).map((raw) => JSON.parse(raw) as Pause);
    return all.filter((p) => p.until === null || Date.parse(p.until) > now.getTime());
  }

  /** Deletes pauses whose time is up and returns them, each exactly once across all callers. */
  async expire(now = new Date()): Promise<Pause[]> {
    const ended: Pause[] = [];
    for (const [key, raw] of Object.entries(await this.redis.hgetall(PAUSES))) {
      const pause = JSON.parse(raw) as Pause;
      if (pause.until === null || Date.parse(pause.until) > now.getTime()) continue;
      // HDEL returns 1 for exactly one caller, so two scanners never both announce the same resume.
      if ((await this.redis.hdel(PAUSES, key)) === 1) ended.push(pause);
    }
    return ended;
  }
}
