import * as path from 'node:path';

import * as lockfile from 'proper-lockfile';

import { RepoLockError } from './errors/repo-lock.error';

/** Tuning for the cross-process lock. */
export interface RepoLockOptions {
  locksDir: string;
  /** A lock whose holder stopped refreshing it for this long is taken over (crashed process). Default 30 s. */
  staleMs?: number;
  /** Give up waiting for another process after this long. Default 15 min (a first clone can be slow). */
  waitMs?: number;
}

/**
 * Serializes git admin work per repo: first within this process (a promise chain per repo, so waiting costs
 * no polling), then across processes on this machine (a `proper-lockfile` lock at `<locksDir>/<repo>.lock`).
 * Different repos never wait for each other.
 */
export class RepoLock {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly staleMs: number;
  private readonly waitMs: number;

  constructor(private readonly opts: RepoLockOptions) {
    this.staleMs = opts.staleMs ?? 30_000;
    this.waitMs = opts.waitMs ?? 15 * 60_000;
  }

  /** Runs `fn` while holding the repo's lock; the lock is released however `fn` ends. */
  async run<T>(repo: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(repo) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(repo, tail);
    try {
      await previous;
      return await this.withFileLock(repo, fn);
    } finally {
      done();
      if (this.tails.get(repo) === tail) this.tails.delete(repo);
    }
  }

  private async withFileLock<T>(repo: string, fn: () => Promise<T>): Promise<T> {
    const lockPath = path.join(this.opts.locksDir, `${repo}.lock`);
    const state: { compromised: Error | null } = { compromised: null };
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(path.join(this.opts.locksDir, repo), {
        lockfilePath: lockPath,
        realpath: false,
        stale: this.staleMs,
        retries: {
          forever: true,
          maxRetryTime: this.waitMs,
          retries: 12,
          factor: 1.5,
          minTimeout: 15,
          maxTimeout: 500,
          randomize: true,
        },
        // The default throws from a timer and kills the process. A lost lock (event loop blocked past the
        // stale time) is reported to the caller instead, after fn finishes.
        onCompromised: (err) => {
          state.compromised = err;
        },
      });
    } catch (err) {
      throw new RepoLockError(repo, lockPath, err instanceof Error ? err.message : String(err));
    }
    try {
      const result = await fn();
      if (state.compromised) {
        throw new RepoLockError(repo, lockPath, `the lock was lost while held: ${state.compromised.message}`);
      }
      return result;
    } finally {
      await release().catch(() => undefined); // already released when compromised: nothing left to undo
    }
  }
}
