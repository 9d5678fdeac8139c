import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { redactSecrets } from '@nightshift/domain';
import { type EmbeddedRedis, embeddedRedisPassword, startEmbeddedRedis } from '@nightshift/service-shell';
import { EventLog } from '@nightshift/state';
import { Redis } from 'ioredis';

import { RedisGaveUpError } from './errors/redis-gave-up.error';

export interface RedisSupervisorOptions {
  /** A run shorter than this counts toward the crash loop; a longer one starts the count again. */
  stableMs?: number;
  /** Exits (or failed starts) in a row, each within `stableMs`, after which `up` gives up. */
  maxQuickExits?: number;
  /** First wait before a restart; it doubles with each quick exit, up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The redis-server binary (tests pass a script that dies after "Ready"). */
  binary?: string;
}

/**
 * `up`'s own redis-server, supervised like the services: started on the port it had last time (kept in its
 * data dir, so every service and a CLI in another terminal keep one address across restarts of `up`), behind
 * a password kept 0600 in that dir, and restarted with growing backoff on the same port, `--dir` and AOF when
 * it dies. A redis-server that keeps dying is given up on: `failed` resolves with one line, and `up` stops.
 * It runs in its own process group, so a Ctrl-C reaches `up` only, which stops it after every service.
 */
export class RedisSupervisor {
  private current?: EmbeddedRedis;
  private stopping = false;
  private restarting?: Promise<void>;
  private quickExits = 0;
  private readonly halt = new AbortController();
  private giveUp: (err: Error) => void = () => undefined;
  readonly failed = new Promise<Error>((resolve) => (this.giveUp = resolve));
  port = 0;
  private readonly password: string;
  private readonly o: Required<Omit<RedisSupervisorOptions, 'binary'>> & { binary?: string };

  constructor(
    private readonly dir: string,
    private readonly out: (line: string) => void,
    opts: RedisSupervisorOptions = {},
  ) {
    this.password = embeddedRedisPassword(dir);
    this.o = { stableMs: 30_000, maxQuickExits: 6, baseDelayMs: 200, maxDelayMs: 10_000, ...opts };
  }

  /** The URL with its password: for the services only, never printed (see `safeUrl`). */
  get url(): string {
    return `redis://:${this.password}@127.0.0.1:${this.port}`;
  }

  get safeUrl(): string {
    return redactSecrets(this.url, [this.password]);
  }

  /** Starts it (throws with the reason when redis-server cannot start at all) and returns its URL. */
  async start(): Promise<string> {
    const last = readLastPort(this.dir);
    if (last) {
      this.current = await this.launch(last).catch((err: Error) => {
        this.out(`[up] port ${last} of the last run is not usable (${firstLine(err.message)}); taking a free one`);
        return undefined;
      });
    }
    this.current ??= await this.launch();
    this.port = this.current.port;
    writeFileSync(lastPortFile(this.dir), `${this.port}\n`);
    this.watch(this.current);
    return this.url;
  }

  /** From now on an exit is not restarted (called when shutdown begins, before the services stop). */
  holdRestarts(): void {
    this.stopping = true;
    this.halt.abort();
  }

  /** Stops it, after any restart under way has settled, so no redis-server is left behind. */
  async stop(): Promise<void> {
    this.holdRestarts();
    await this.restarting;
    await this.current?.stop();
  }

  private launch(port?: number): Promise<EmbeddedRedis> {
    return startEmbeddedRedis({
      dir: this.dir,
      port,
      password: this.password,
      binary: this.o.binary,
      ownProcessGroup: true,
    });
  }

  private watch(redis: EmbeddedRedis): void {
    const readyAt = Date.now();
    redis.process.once('exit', (code, signal) => {
      if (this.stopping) return;
      this.quickExits = Date.now() - readyAt < this.o.stableMs ? this.quickExits + 1 : 1;
      this.restarting = this.restart(String(signal ?? code));
    });
  }

  private async restart(why: string): Promise<void> {
    this.out(`[up] redis-server exited (${why}); restarting it on port ${this.port} with its data`);
    for (;;) {
      if (this.quickExits >= this.o.maxQuickExits) return this.fail(why);
      const wait = Math.min(this.o.baseDelayMs * 2 ** (this.quickExits - 1), this.o.maxDelayMs);
      await delay(wait, undefined, { signal: this.halt.signal }).catch(() => undefined);
      if (this.stopping) return;
      let started: EmbeddedRedis;
      try {
        started = await this.launch(this.port);
      } catch (err) {
        why = firstLine((err as Error).message);
        this.quickExits++;
        this.out(`[up] redis-server restart failed: ${why}`);
        continue;
      }
      this.current = started;
      if (this.stopping) return; // stop() stops it once this settles
      this.watch(started);
      this.out(`[up] redis-server back at ${this.safeUrl}`);
      await this.announce(why).catch((err: unknown) =>
        this.out(`[up] could not record redis.restarted: ${firstLine(redactSecrets(String(err), [this.password]))}`),
      );
      return;
    }
  }

  private fail(why: string): void {
    this.holdRestarts();
    this.giveUp(
      new RedisGaveUpError(
        `redis-server keeps exiting (${this.quickExits} times in a row, each within ${this.o.stableMs / 1000} s; last: ${why}); gave up. Its data is kept in ${this.dir}`,
      ),
    );
  }

  private async announce(why: string): Promise<void> {
    const redis = new Redis(this.url, { maxRetriesPerRequest: 2, lazyConnect: true, retryStrategy: () => null });
    // The failed append below reports a problem once; the client's own error events would print stack traces.
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      await new EventLog(redis).append({
        type: 'redis.restarted',
        detail: { port: this.port, exited: why, attempts: this.quickExits },
      });
    } finally {
      redis.disconnect();
    }
  }
}

function lastPortFile(dir: string): string {
  return path.join(dir, 'last-port');
}

function readLastPort(dir: string): number | undefined {
  try {
    const port = Number(readFileSync(lastPortFile(dir), 'utf8').trim());
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim()) ?? text;
}
