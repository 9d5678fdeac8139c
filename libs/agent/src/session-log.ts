import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A session's raw output log, written synchronously on one fd as each chunk arrives. A write of a few hundred
 * bytes to the page cache costs microseconds, far less than a thread-pool round trip per chunk, and once
 * `write` returns the bytes are the kernel's: a runner killed right after loses nothing, and chunks land in
 * the order they came. A failed write (disk full) is remembered, not thrown: the session goes on, and
 * nothing is written after the gap so the log never reads as complete when it is not.
 */
export class SessionLog {
  private fd: number | undefined;
  /** Why writing stopped, when it did. */
  failure?: string;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
  }

  write(data: Buffer | string): void {
    if (this.fd === undefined || this.failure) return;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    try {
      let done = 0;
      while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // already closed: nothing left to flush, writes were synchronous
    }
  }
}
