import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * Reads a growing session log in complete lines, from where the last read stopped: the one reader behind
 * `nightshift logs --follow` and the operator console's live transcript (each turns lines into text with
 * transcriptLines).
 */
export class TranscriptTail {
  private offset = 0;
  private pending = '';
  // A read may end inside a multi-byte character: the decoder keeps its first bytes for the next one.
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly file: string) {}

  /** The complete lines written since the last read (none while the file does not exist yet). */
  read(): string[] {
    if (!existsSync(this.file)) return [];
    const fd = openSync(this.file, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, this.offset);
        if (n <= 0) break;
        this.offset += n;
        this.pending += this.decoder.write(buf.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
    const end = this.pending.lastIndexOf('\n');
    if (end < 0) return [];
    const lines = this.pending.slice(0, end).split('\n');
    this.pending = this.pending.slice(end + 1);
    return lines;
  }

  /** The last line, when the file does not end with a newline. */
  flush(): string[] {
    const rest = this.pending;
    this.pending = '';
    return rest ? [rest] : [];
  }
}
