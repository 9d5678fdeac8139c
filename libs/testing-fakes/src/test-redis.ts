import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type EmbeddedRedis, startEmbeddedRedis } from '@nightshift/service-shell';
import { Redis } from 'ioredis';

type Hook = (fn: () => unknown, timeout?: number) => void;
// jest's globals, used only when a spec calls useTestRedis (this lib is never loaded by a service).
declare const beforeAll: Hook;
declare const afterAll: Hook;
declare const beforeEach: Hook;

export interface TestRedis {
  /** redis://127.0.0.1:<port> of this spec file's own server. */
  readonly url: string;
  /** A shared client (maxRetriesPerRequest: null, as BullMQ wants). */
  readonly redis: Redis;
}

/**
 * Gives a spec file its own `redis-server` on a free port: started before all tests, flushed before
 * each (unless `flush: false`), stopped after all. Tests never share state with each other or with
 * the machine's Redis.
 */
export function useTestRedis(opts: { flush?: boolean } = {}): TestRedis {
  let server: EmbeddedRedis | undefined;
  let client: Redis | undefined;
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ns-test-redis-'));
    server = await startEmbeddedRedis({ dir, persist: false });
    client = new Redis(server.url, { maxRetriesPerRequest: null });
  });
  if (opts.flush !== false) beforeEach(() => client!.flushall());
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get url() {
      if (!server) throw new Error('useTestRedis: the server starts in beforeAll; read .url inside a test or hook');
      return server.url;
    },
    get redis() {
      if (!client) throw new Error('useTestRedis: the client exists from beforeAll on; use it inside a test or hook');
      return client;
    },
  };
}
