import type { Redis } from 'ioredis';
import { KEY } from './keys';

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
    await this.redis.multi().set(KEY.host(info.name), raw, 'PX', Math.max(1, Math.round(ttlMs))).hset(KEY.hosts, info.name, raw).exec();
  }

  /** A clean shutdown: the host is gone now rather than after its TTL. */
  async leave(name: string): Promise<void> {
    await this.redis.del(KEY.host(name));
  }

  /** Drops a gone host from the list for good (a machine retired by a human). */
  async forget(name: string): Promise<void> {
    await this.redis.multi().del(KEY.host(name)).hdel(KEY.hosts, name).exec();
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
