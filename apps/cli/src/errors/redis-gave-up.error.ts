/** `up`'s own redis-server could not be kept running: `up` stops everything and prints this one line. */
export class RedisGaveUpError extends Error {
  override readonly name = 'RedisGaveUpError';
}
