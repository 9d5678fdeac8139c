import type { Redis } from 'ioredis';

import { KEY } from './keys';

const JOIN = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, live = pcall(cjson.decode, current)
  if ok and type(live) == 'table' and type(live.bootId) == 'string' and live.bootId ~= ARGV[2] then
    return current
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[4], ARGV[1])
return false`;

// Replicas of one host share its entry but each serves its slots: each keeps its own member in a sorted set
// scored by when its beat expires, on Redis's clock (the router reading it may be on another machine).
const RUNNER_BEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

const LIVE_RUNNERS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for i, key in ipairs(KEYS) do out[i] = redis.call('ZCOUNT', key, '(' .. now, '+inf') end
return out`;

/** What a host's session-runner says about itself on every heartbeat. */
export interface HostInfo {
  name: string;
  capabilities: string[];
  slots: number;
  slotsBusy: number;
  version: string;
  pid: number;
  startedAt: string;
  heartbeatAt: string;
  /** /etc/machine-id of the machine the runner is on (absent from runners older than this field). */
  machineId?: string;
  /** The kernel's boot id of that machine: a new boot of the same machine has another. */
  bootId?: string;
  /** Why this runner takes no session now (e.g. its agent command is missing); absent while it takes them. */
  idleReason?: string;
  /** This runner process, among the replicas serving the host (absent from runners older than this field). */
  runnerId?: string;
}

export interface HostView {
  /** Hosts whose heartbeat is within its TTL. */
  live: HostInfo[];
  /** Hosts seen once whose heartbeat expired: their last word. */
  gone: HostInfo[];
}

/**
 * Hosts as first-class: each one keeps `nightshift:host:<name>` alive with a TTL (expiry = gone) and
 * leaves its last word in `nightshift:hosts`, so a host that died is listed as gone, not forgotten.
 */
export class HostRegistry {
  constructor(private readonly redis: Redis) {}

  /** One heartbeat: the live key (with its TTL) and the last-seen record, in one round trip. */
  async beat(info: HostInfo, ttlMs: number): Promise<void> {
    const raw = JSON.stringify(info);
    const ttl = Math.max(1, Math.round(ttlMs));
    await this.redis.multi().set(KEY.host(info.name), raw, 'PX', ttl).hset(KEY.hosts, info.name, raw).exec();
    if (info.runnerId) await this.redis.eval(RUNNER_BEAT, 1, KEY.hostRunners(info.name), info.runnerId, String(ttl));
  }

  /**
   * How many runners (replicas) serve each named host now; a host whose runners predate runner ids counts as one.
   * Dispatch multiplies a host's slots by it: three replicas of a one-slot host run three sessions.
   */
  async runnerCounts(names: readonly string[]): Promise<Map<string, number>> {
    if (names.length === 0) return new Map();
    const counts = (await this.redis.eval(
      LIVE_RUNNERS,
      names.length,
      ...names.map((n) => KEY.hostRunners(n)),
    )) as number[];
    return new Map(names.map((name, i) => [name, Math.max(1, Number(counts[i] ?? 0))]));
  }

  /**
   * The first heartbeat of a runner: registers `info` unless the host's name is live from another machine or
   * another boot of this one (another kernel boot id); then nothing is written and that live entry is returned.
   * Runners of one machine share its boot id, containers too (replicas of one host), whatever their machine ids.
   */
  async join(info: HostInfo, ttlMs: number): Promise<HostInfo | null> {
    const raw = JSON.stringify(info);
    const other = (await this.redis.eval(
      JOIN,
      2,
      KEY.host(info.name),
      KEY.hosts,
      raw,
      info.bootId ?? '',
      String(Math.max(1, Math.round(ttlMs))),
      info.name,
    )) as string | null;
    return other ? (JSON.parse(other) as HostInfo) : null;
  }

  /** The host's live entry, or null when its heartbeat expired. */
  async live(name: string): Promise<HostInfo | null> {
    const raw = await this.redis.get(KEY.host(name));
    return raw ? (JSON.parse(raw) as HostInfo) : null;
  }

  /** A clean shutdown: the host is gone now rather than after its TTL. */
  async leave(name: string, runnerId?: string): Promise<void> {
    if (runnerId) {
      await this.redis.zrem(KEY.hostRunners(name), runnerId);
      // Another replica of the host still beats: the host is not gone.
      const others = (await this.redis.eval(LIVE_RUNNERS, 1, KEY.hostRunners(name))) as number[];
      if (Number(others[0]) > 0) return;
    }
    await this.redis.del(KEY.host(name));
  }

  /** Drops a gone host from the list for good (a machine retired by a human). */
  async forget(name: string): Promise<void> {
    await this.redis.multi().del(KEY.host(name)).del(KEY.hostRunners(name)).hdel(KEY.hosts, name).exec();
  }

  async list(): Promise<HostView> {
    const known = await this.redis.hgetall(KEY.hosts);
    const names = Object.keys(known).sort();
    if (names.length === 0) return { live: [], gone: [] };
    const live = await this.redis.mget(names.map((n) => KEY.host(n)));
    const view: HostView = { live: [], gone: [] };
    names.forEach((name, i) => {
      const current = live[i];
      if (current) view.live.push(JSON.parse(current) as HostInfo);
      else view.gone.push(JSON.parse(known[name] as string) as HostInfo);
    });
    return view;
  }
}
