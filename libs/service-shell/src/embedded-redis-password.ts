import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where the embedded Redis keeps its password: under its data dir, readable by its owner only. */
export function embeddedRedisPasswordFile(dir: string): string {
  return path.join(dir, 'redis.password');
}

/**
 * The embedded Redis's `requirepass`: made once (random, URL-safe) and kept 0600, so every restart of
 * `up` and every service keeps one password, and no other local user (nor an agent's process, which
 * never gets the Redis URL) can read the queues.
 */
export function embeddedRedisPassword(dir: string): string {
  const file = embeddedRedisPasswordFile(dir);
  mkdirSync(dir, { recursive: true });
  let password = '';
  try {
    password = readFileSync(file, 'utf8').trim();
  } catch {
    // first start: made below
  }
  if (!/^[A-Za-z0-9_-]{16,}$/.test(password)) {
    password = randomBytes(32).toString('base64url');
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return password;
}
