import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { startEmbeddedRedis, type EmbeddedRedis } from '@nightshift/service-shell';
import { EventLog } from '@nightshift/state';

/** Restarts tried (with backoff up to 5 s each, about a minute in all) before `up` gives up on its Redis. */
const MAX_RESTART_ATTEMPTS = 15;

/**
 * `up`'s own redis-server, supervised like the services: started on the port it had last time (kept in its
 * data dir, so every service and a CLI in another terminal keep one address across restarts of `up`), and
 * restarted with backoff on the same port, `--dir` and AOF when it dies. `failed` resolves only when it
 * cannot be started at all any more.
 */
export class RedisSupervisor {
  private current?: EmbeddedRedis;
  private stopping = false;
  private giveUp: (err: Error) => void = () => undefined;
  readonly failed = new Promise<Error>((resolve) => (this.giveUp = resolve));
  port = 0;

  constructor(
    private readonly dir: string,
    private readonly out: (line: string) => void,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it (throws with the reason when redis-server cannot start at all) and returns its URL. */
  async start(): Promise<string> {
    const last = readLastPort(this.dir);
    if (last) {
      this.current = await startEmbeddedRedis({ dir: this.dir, port: last }).catch((err: Error) => {
        this.out(`[up] port ${last} of the last run is not usable (${firstLine(err.message)}); taking a free one`);
        return undefined;
      });
    }
    this.current ??= await startEmbeddedRedis({ dir: this.dir });
    this.port = this.current.port;
    writeFileSync(lastPortFile(this.dir), `${this.port}\n`);
    this.watch(this.current);
    return this.url;
  }

  private watch(redis: EmbeddedRedis): void {
    redis.process.once('exit', (code, signal) => {
      if (!this.stopping) void this.restart(String(signal ?? code));
    });
  }

  private async restart(why: string): Promise<void> {
    this.out(`[up] redis-server exited (${why}); restarting it on port ${this.port} with its data`);
    for (let attempt = 1; !this.stopping; attempt++) {
      await delay(Math.min(100 * 2 ** attempt, 5000));
      if (this.stopping) return;
      try {
        this.current = await startEmbeddedRedis({ dir: this.dir, port: this.port });
      } catch (err) {
        const reason = firstLine((err as Error).message);
        this.out(`[up] redis-server restart ${attempt} failed: ${reason}`);
        if (attempt >= MAX_RESTART_ATTEMPTS) {
          this.giveUp(new Error(`redis-server could not be restarted on port ${this.port} after ${attempt} attempts (${reason}); data kept in ${this.dir}`));
          return;
        }
        continue;
      }
      this.watch(this.current);
      this.out(`[up] redis-server back at ${this.url} (attempt ${attempt})`);
      await this.announce(why, attempt).catch((err: unknown) => this.out(`[up] could not record redis.restarted: ${String(err)}`));
      return;
    }
  }

  private async announce(why: string, attempts: number): Promise<void> {
    const redis = new Redis(this.url, { maxRetriesPerRequest: 2, lazyConnect: true });
    try {
      await redis.connect();
      await new EventLog(redis).append({ type: 'redis.restarted', detail: { port: this.port, exited: why, attempts } });
    } finally {
      redis.disconnect();
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.current?.stop();
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
