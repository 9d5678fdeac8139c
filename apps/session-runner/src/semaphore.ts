/** Caps concurrent sessions on this host across all capability queues it serves. */
export class Semaphore {
  private waiting: Array<() => void> = [];
  private used = 0;

  constructor(readonly size: number) {}

  get inUse(): number {
    return this.used;
  }

  async acquire(): Promise<() => void> {
    if (this.used >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.used += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.used -= 1;
    };
  }
}
