import { CANCEL_CHANNEL, type CancelRequest } from '@nightshift/state';
import type { Redis } from 'ioredis';

export type { CancelRequest } from '@nightshift/state';

/** Listens for cancel requests and routes each to the session it names, if this runner holds it. */
export class CancelWatcher {
  private readonly handlers = new Map<string, (req: CancelRequest) => void>();

  constructor(private readonly subscriber: Redis) {}

  async start(): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== CANCEL_CHANNEL) return;
      try {
        const req = JSON.parse(message) as CancelRequest;
        this.handlers.get(req.runId)?.(req);
      } catch {
        // a malformed message cancels nothing
      }
    });
    await this.subscriber.subscribe(CANCEL_CHANNEL);
  }

  /** Routes cancels for `runId` to `handler` until the returned function is called. */
  watch(runId: string, handler: (req: CancelRequest) => void): () => void {
    this.handlers.set(runId, handler);
    return () => this.handlers.delete(runId);
  }
}
