import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Options of a DiskUsage probe. */
export interface DiskUsageOptions {
  /** A measurement is reused for this long. Default 5 s. */
  cacheMs?: number;
  /** Give up on `du` after this long and walk the tree in-process instead. Default 60 s. */
  timeoutMs?: number;
  /** `du` (default) or the in-process walk `du` falls back to. */
  method?: 'du' | 'walk';
}

/**
 * Bytes allocated on disk under one directory, like `du -sk`: the real `du` does the walk (C, hard links
 * counted once, as git's local clones share objects that way); an in-process walk is the fallback where it
 * is missing. A measurement is cached for a few seconds and concurrent callers share one walk, so a burst
 * of creates checking the budget costs one `du`.
 */
export class DiskUsage {
  private readonly cacheMs: number;
  private readonly timeoutMs: number;
  private readonly method: 'du' | 'walk';
  private cached: { bytes: number; at: number } | null = null;
  private pending: Promise<number> | null = null;
  private generation = 0;

  constructor(
    readonly dir: string,
    opts: DiskUsageOptions = {},
  ) {
    this.cacheMs = opts.cacheMs ?? 5000;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.method = opts.method ?? 'du';
  }

  /** Current usage in bytes (cached up to cacheMs). */
  bytes(): Promise<number> {
    if (this.cached && Date.now() - this.cached.at < this.cacheMs) return Promise.resolve(this.cached.bytes);
    if (!this.pending) {
      const generation = this.generation;
      this.pending = measure(this.dir, this.method, this.timeoutMs)
        .then((bytes) => {
          if (generation === this.generation) this.cached = { bytes, at: Date.now() };
          return bytes;
        })
        .finally(() => {
          this.pending = null;
        });
    }
    return this.pending;
  }

  /** The last measurement, without walking (null before the first). */
  last(): number | null {
    return this.cached?.bytes ?? null;
  }

  /** Forgets the cached figure (after a removal, so a waiting create sees the space it freed). */
  invalidate(): void {
    this.generation++;
    this.cached = null;
    this.pending = null;
  }
}

async function measure(dir: string, method: 'du' | 'walk', timeoutMs: number): Promise<number> {
  const fromDu = method === 'du' ? await duKilobytes(dir, timeoutMs) : null;
  return fromDu !== null ? fromDu * 1024 : walk(dir);
}

/** `du -sk` (POSIX flags, also on macOS). null when du is unavailable or printed nothing usable. */
function duKilobytes(dir: string, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    execFile('du', ['-sk', '--', dir], { timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (_err, stdout) => {
      // A file vanishing mid-walk (a worktree being removed) makes du exit 1 but it still prints the total.
      const kb = Number.parseInt(
        String(stdout ?? '')
          .trim()
          .split(/\s+/)[0] ?? '',
        10,
      );
      resolve(Number.isFinite(kb) ? kb : null);
    });
  });
}

async function walk(dir: string): Promise<number> {
  let total = 0;
  const seen = new Set<string>();
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    const stat = await fs.promises.lstat(current).catch(() => null);
    if (!stat) continue;
    const id = `${stat.dev}:${stat.ino}`;
    if (seen.has(id)) continue;
    seen.add(id);
    total += stat.blocks !== undefined ? stat.blocks * 512 : stat.size;
    if (stat.isDirectory()) {
      const names = await fs.promises.readdir(current).catch(() => [] as string[]);
      for (const name of names) stack.push(path.join(current, name));
    }
  }
  return total;
}
