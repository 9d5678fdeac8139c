import { closeSync, fchmodSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

import { redactSecrets, secretValuesFromEnv } from '@nightshift/domain';
import { makePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '@nightshift/file-store';

// A line longer than this is written (redacted) without waiting for its end: a runner killed mid-line loses
// at most this much, and a secret split across the cut is the only one the redactor can miss.
const MAX_PENDING_BYTES = 64 * 1024;

/**
 * A session's output log, private (0600 in a 0700 folder) and redacted before it is written: the stream holds
 * file contents and command output, so secrets (the session's own env values, token shapes, URL credentials;
 * see redactSecrets) are replaced line by line. Complete lines are written synchronously on one fd as they
 * arrive: once `write` returns they are the kernel's, and a runner killed right after loses only a partial last
 * line. A failed write (disk full) is remembered, not thrown: the session goes on, and nothing is written
 * after the gap so the log never reads as complete when it is not.
 */
export class SessionLog {
  private fd: number | undefined;
  private pending = '';
  // A chunk may end inside a multi-byte character: the decoder keeps its first bytes for the next chunk.
  private readonly decoder = new StringDecoder('utf8');
  private readonly secrets: readonly string[];
  /** Why writing stopped, when it did. */
  failure?: string;

  /** `secrets`: the values to redact besides the patterns (default: the secret env vars of this process). */
  constructor(
    readonly path: string,
    secrets?: readonly string[],
  ) {
    mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
    this.fd = openSync(path, 'w', PRIVATE_FILE_MODE);
    // Modes are tightened only for a log that is a file: a path on a device (`/dev/null`, `/dev/full`) must
    // never make the runner, often root, chmod `/dev` or the device itself for every user on the host.
    if (fstatSync(this.fd).isFile()) {
      makePrivateDir(dirname(path));
      // A log left by an earlier execution keeps its old mode through the truncation: made private here.
      fchmodSync(this.fd, PRIVATE_FILE_MODE);
    }
    this.secrets = secrets ?? secretValuesFromEnv();
  }

  write(data: Buffer | string): void {
    if (this.fd === undefined || this.failure) return;
    this.pending += typeof data === 'string' ? data : this.decoder.write(data);
    const end = this.pending.lastIndexOf('\n');
    if (end < 0 && this.pending.length < MAX_PENDING_BYTES) return;
    const cut = end < 0 ? this.pending.length : end + 1;
    const ready = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    this.writeRaw(redactSecrets(ready, this.secrets));
  }

  private writeRaw(text: string): void {
    if (this.fd === undefined || this.failure) return;
    const bytes = Buffer.from(text, 'utf8');
    try {
      let done = 0;
      while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    if (rest.length > 0) this.writeRaw(redactSecrets(rest, this.secrets));
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // already closed: nothing left to flush, writes were synchronous
    }
  }
}
