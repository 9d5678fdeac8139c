import type { Redis } from 'ioredis';

const PAUSES = 'nightshift:pauses';
/** Pauses that ended by themselves lately, by scope: a new pause soon after continues their chain. */
const ENDED = 'nightshift:pauses:ended';
/**
 * A pause set within this long after the previous one of its scope ended is a renewal: it keeps the
 * chain's first start, so "paused for 4 h" is true of an expired login re-paused every 10 minutes.
 */
export const PAUSE_RENEWAL_GAP_MS = 15 * 60_000;

/** What is paused: one agent account, intake as a whole, or (budgets) one repo or one ticket. */
export type PauseScope =
  | { kind: 'account'; account: string }
  | { kind: 'intake' }
  | { kind: 'repo'; repo: string }
  | { kind: 'ticket'; ticket: string };

/** `intake`, `agent account NAME`, `repo NAME` or `ticket KEY`, for events, notifications and `nightshift status`. */
export function describeScope(scope: PauseScope): string {
  switch (scope.kind) {
    case 'intake':
      return 'intake';
    case 'account':
      return `agent account ${scope.account}`;
    case 'repo':
      return `repo ${scope.repo}`;
    case 'ticket':
      return `ticket ${scope.ticket}`;
  }
}

/** Why a scope is paused, as the `cause` label of the pause metrics (alerts page on `auth`). */
export type PauseCause = 'auth' | 'rate_limit' | 'budget' | 'fast_fail' | 'manual';

export interface Pause {
  scope: PauseScope;
  /** Absent on pauses stored before causes were recorded. */
  cause?: PauseCause;
  /** ISO instant the pause ends by itself; null = until a human resumes. */
  until: string | null;
  reason: string;
  by: string;
  /** When the pause began; a renewal (see PAUSE_RENEWAL_GAP_MS) keeps the first pause's. */
  since: string;
}

/** The pause JSON plus `untilMs`, so the Lua check below can compare without parsing dates. */
const stored = (pause: Pause): string =>
  JSON.stringify({ ...pause, untilMs: pause.until === null ? null : Date.parse(pause.until) });

/**
 * Writes the pause unless a live one exists; returns {1, new} or {0, existing}. A previous pause of the
 * scope that ended at most ARGV[4] ms ago (expired in place, or moved to KEYS[2] by expire()) lends the
 * new one its `since`. Atomic in Redis.
 */
const SET_IF_NOT_LIVE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local prev = raw
if raw then
  local untilMs = cjson.decode(raw)['untilMs']
  if untilMs == nil or untilMs == cjson.null or tonumber(untilMs) > tonumber(ARGV[3]) then
    return {0, raw}
  end
else
  prev = redis.call('HGET', KEYS[2], ARGV[1])
end
local fresh = ARGV[2]
if prev then
  local p = cjson.decode(prev)
  local untilMs = p['untilMs']
  if untilMs ~= nil and untilMs ~= cjson.null and tonumber(untilMs) >= tonumber(ARGV[3]) - tonumber(ARGV[4]) then
    local f = cjson.decode(ARGV[2])
    f['since'] = p['since']
    fresh = cjson.encode(f)
  end
end
redis.call('HSET', KEYS[1], ARGV[1], fresh)
redis.call('HDEL', KEYS[2], ARGV[1])
return {1, fresh}`;

/** Moves an ended pause (still exactly ARGV[2]) from KEYS[1] to KEYS[2]; 1 for exactly one caller. */
const MOVE_ENDED = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`;

function field(scope: PauseScope): string {
  switch (scope.kind) {
    case 'intake':
      return 'intake';
    case 'account':
      return `account:${scope.account}`;
    case 'repo':
      return `repo:${scope.repo}`;
    case 'ticket':
      return `ticket:${scope.ticket}`;
  }
}

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
    const [created, raw] = (await this.redis.eval(
      SET_IF_NOT_LIVE,
      2,
      PAUSES,
      ENDED,
      key,
      stored(fresh),
      String(now.getTime()),
      String(PAUSE_RENEWAL_GAP_MS),
    )) as [number, string];
    if (created === 1) return true;
    const existing = JSON.parse(raw) as Pause;
    // Already paused: keep the later end (a manual pause, until null, stays manual).
    const until =
      existing.until === null
        ? null
        : pause.until === null || pause.until > existing.until
          ? pause.until
          : existing.until;
    if (until !== existing.until) await this.redis.hset(PAUSES, key, stored({ ...existing, until }));
    return false;
  }

  /** Removes a pause (a human resumed it); returns the pause that was lifted, if any. */
  async resume(scope: PauseScope): Promise<Pause | null> {
    const key = field(scope);
    const raw = await this.redis.hget(PAUSES, key);
    // A human resumed it: whatever pauses the scope next starts a chain of its own.
    await this.redis.multi().hdel(PAUSES, key).hdel(ENDED, key).exec();
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
      // The move succeeds for exactly one caller, so two scanners never both announce the same resume.
      if ((await this.redis.eval(MOVE_ENDED, 2, PAUSES, ENDED, key, raw)) === 1) ended.push(pause);
    }
    // Ended pauses past the renewal gap can no longer start a chain: forget them (ticket scopes are many).
    for (const [key, raw] of Object.entries(await this.redis.hgetall(ENDED))) {
      const untilMs = (JSON.parse(raw) as { untilMs: number | null }).untilMs;
      if (untilMs === null || untilMs < now.getTime() - PAUSE_RENEWAL_GAP_MS) await this.redis.hdel(ENDED, key);
    }
    return ended;
  }
}
