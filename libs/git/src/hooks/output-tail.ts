/** Keeps the last `maxBytes` of a stream: a chatty hook (npm install) must not fill memory or logs. */
export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size > this.maxBytes * 2) this.compact();
  }

  /** The kept output as text (a multi-byte character cut at the start shows as U+FFFD). */
  text(): string {
    this.compact();
    return Buffer.concat(this.chunks).toString('utf8');
  }

  private compact(): void {
    if (this.size <= this.maxBytes) return;
    const all = Buffer.concat(this.chunks);
    this.chunks = [Buffer.from(all.subarray(all.length - this.maxBytes))];
    this.size = this.maxBytes;
    this.truncated = true;
  }
}
