interface Pending<V> {
  value: V;
  settle: Array<{ resolve: () => void; reject: (err: unknown) => void }>;
}

/**
 * Updates of one thing (a PR's title and body), sent one at a time per key: while one is on its way
 * (waiting for the content bucket, or in flight), later updates collapse into a single one carrying
 * the latest value, sent next. Every caller's promise settles when the update that carried its
 * value (or a later one) has been sent, so no caller sees its change lost and GitHub sees one edit.
 */
export class LatestUpdateWins<V> {
  private readonly next = new Map<string, Pending<V>>();
  private readonly running = new Set<string>();

  constructor(private readonly send: (key: string, value: V) => Promise<void>) {}

  submit(key: string, value: V): Promise<void> {
    return new Promise((resolve, reject) => {
      const pending = this.next.get(key);
      if (pending) {
        pending.value = value;
        pending.settle.push({ resolve, reject });
      } else this.next.set(key, { value, settle: [{ resolve, reject }] });
      if (!this.running.has(key)) void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    this.running.add(key);
    try {
      for (let batch = this.next.get(key); batch; batch = this.next.get(key)) {
        this.next.delete(key);
        try {
          await this.send(key, batch.value);
          for (const s of batch.settle) s.resolve();
        } catch (err) {
          for (const s of batch.settle) s.reject(err);
        }
      }
    } finally {
      this.running.delete(key);
    }
  }
}
