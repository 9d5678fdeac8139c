import type { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import type { NightshiftConfig } from '@nightshift/config';

/** Every capability some host serves: one session queue each. */
export function capabilities(config: NightshiftConfig): string[] {
  return [...new Set(config.hosts.flatMap((h) => h.capabilities))];
}

export async function withQueue<T>(redis: Redis, name: string, fn: (q: Queue) => Promise<T>): Promise<T> {
  const queue = new Queue(name, { connection: redis });
  try {
    return await fn(queue);
  } finally {
    await queue.close();
  }
}
