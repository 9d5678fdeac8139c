/** Where Redis is and how to authenticate, as read from a Redis URL. */
export type RedisTarget =
  | { kind: 'single'; url: string; tls: boolean; username?: string; password?: string }
  | {
      kind: 'sentinel';
      sentinels: Array<{ host: string; port: number }>;
      /** The primary's name the sentinels watch (`sentinel monitor <name> …`). */
      name: string;
      tls: boolean;
      username?: string;
      password?: string;
      db: number;
    };

const SENTINEL_URL = /^(rediss?)\+sentinel:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]+)(?:\/([^/?#]*))?(?:\?([^#]*))?$/i;

/**
 * Reads a Redis URL: `redis://` and `rediss://` (TLS) with an optional ACL user and password, or
 * `redis+sentinel://[user:password@]host:port,host:port/<primary name>[?db=N]` (`rediss+sentinel://` for TLS).
 * The credentials are the data nodes' (primary and replicas); the sentinels themselves take none.
 */
export function parseRedisUrl(url: string): RedisTarget {
  const sentinel = SENTINEL_URL.exec(url.trim());
  if (sentinel) {
    const [, scheme, user, pass, hosts, name, query] = sentinel;
    const sentinels = hosts!.split(',').map((hostPort) => {
      const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(hostPort.trim()) ?? /^\[?([^\]:]+)\]?$/.exec(hostPort.trim());
      if (!m) throw new Error(`bad sentinel address "${hostPort}" in the Redis URL`);
      return { host: m[1]!, port: m[2] ? Number(m[2]) : 26379 };
    });
    const db = Number(new URLSearchParams(query ?? '').get('db') ?? 0);
    return {
      kind: 'sentinel',
      sentinels,
      name: decodeURIComponent(name || 'mymaster'),
      tls: scheme!.toLowerCase() === 'rediss',
      username: user ? decodeURIComponent(user) : undefined,
      password: pass ? decodeURIComponent(pass) : undefined,
      db: Number.isInteger(db) ? db : 0,
    };
  }
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new Error(`unsupported Redis URL scheme "${parsed.protocol}" (redis:, rediss:, redis+sentinel:)`);
  return {
    kind: 'single',
    url,
    tls: parsed.protocol === 'rediss:',
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
  };
}

/** The password a Redis URL carries (for redaction and the pre-push secret scan), or undefined. */
export function redisUrlPassword(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return parseRedisUrl(url).password;
  } catch {
    return undefined;
  }
}
