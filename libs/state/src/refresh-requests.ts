import type { Redis } from 'ioredis';

/** Channel on which an operator (API `POST /api/v1/refresh`) asks every ticket-scanner to scan now. */
export const REFRESH_CHANNEL = 'nightshift:refresh';

/** Asks every listening scanner to scan at once; returns how many scanners heard it. */
export async function requestRefresh(redis: Redis, by: string): Promise<number> {
  return redis.publish(REFRESH_CHANNEL, JSON.stringify({ by, at: new Date().toISOString() }));
}

/** Calls `onRefresh` on each refresh request. `subscriber` must be a connection of its own (it enters subscriber mode). */
export async function onRefreshRequest(subscriber: Redis, onRefresh: () => void): Promise<void> {
  subscriber.on('message', (channel: string) => {
    if (channel === REFRESH_CHANNEL) onRefresh();
  });
  await subscriber.subscribe(REFRESH_CHANNEL);
}
