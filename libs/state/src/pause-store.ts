import type { Redis } from 'ioredis';

const PAUSES = 'nightshift:pauses';

/** What is paused: one agent account, or intake as a whole. */
export type PauseScope = { kind: 'account'; account: string } | { kind: 'intake' };

/** `intake` or `agent account NAME`, for events, notifications and `nightshift status`. */
export function describeScope(scope: PauseScope): string {
  return scope.kind === 'intake' ? 'intake' : `agent account ${scope.account}`;
}

export interface Pause {
  scope: PauseScope;
  /** ISO instant the pause ends by itself; null = until a human resumes. */
  until: string | null;
  reason: string;
  by: string;
  since: string;
}

/** The pause JSON plus `untilMs`, so the Lua check below can compare without parsing dates. */
const stored = (pause: Pause): string => JSON.stringify({ ...pause, untilMs: pause.until === null ? null : Date.parse(pause.until) });

/** Writes the pause unless a live one exists; returns {1, new} or {0, existing}. Atomic in Redis. */
const SET_IF_NOT_LIVE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw then
  local untilMs = cjson.decode(raw)['untilMs']
  if untilMs == nil or untilMs == cjson.null or tonumber(untilMs) > tonumber(ARGV[3]) then
    return {0, raw}
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return {1, ARGV[2]}`;

const field = (scope: PauseScope): string => (scope.kind === 'intake' ? 'intake' : `account:${scope.account}`);

/**
 * Pauses shared by every host through Redis. A pause ends by itself at `until`; `expire()` is what
 * notices that (and lets the caller say so), `active()` already ignores expired ones.
 */
export class PauseStore {
  constructor(private readonly redis: Redis) {}

  /**
   * Sets or extends a pause; returns true for exactly one caller when it was not paused before (a new
   * pause worth announcing), however many sessions hit the same rate limit at once.
   */
  async pause(pause: Omit<Pause, 'since'>, now = new Date()): Promise<boolean> {
    const key = field(pause.scope);
    const fresh: Pause = { ...pause, since: now.toISOString() };
    const [created, raw] = (await this.redis.eval(SET_IF_NOT_LIVE, 1, PAUSES, key, stored(fresh), String(now.getTime()))) as [number, string];
    if (created === 1) return true;
    const existing = JSON.parse(raw) as Pause;
    // Already paused: keep the later end (a manual pause, until null, stays manual).
    const until = existing.until === null ? null : pause.until === null || pause.until > existing.until ? pause.until : existing.until;
    if (until !== existing.until) await this.redis.hset(PAUSES, key, stored({ ...existing, until }));
    return false;
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
