/** Caps concurrent sessions on this host across all capability queues it serves; resizable while running (config hot reload). */
export class Semaphore {
  private waiting: Array<() => void> = [];
  private used = 0;

  constructor(private capacity: number) {}

  get size(): number {
    return this.capacity;
  }

  get inUse(): number {
    return this.used;
  }

  async acquire(): Promise<() => void> {
    if (this.used >= this.capacity) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.used += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Hand the slot straight to a waiter, unless the semaphore was shrunk below what is in use.
      const next = this.used <= this.capacity ? this.waiting.shift() : undefined;
      if (next) next();
      else this.used -= 1;
    };
  }

  /** Grows (waking waiters at once) or shrinks (running holders finish; no new one starts until below the size). */
  resize(capacity: number): void {
    this.capacity = capacity;
    while (this.used < this.capacity && this.waiting.length > 0) {
      this.used += 1;
      this.waiting.shift()!();
    }
  }
}
