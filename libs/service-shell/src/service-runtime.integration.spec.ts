import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseConfig } from '@nightshift/config';

import { type EmbeddedRedis, startEmbeddedRedis } from './embedded-redis';
import { EVENT_LOOP_SAMPLE_MS, ServiceRuntime } from './service-runtime';

jest.setTimeout(20_000);

let dir: string;
let redis: EmbeddedRedis;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ns-runtime-'));
  redis = await startEmbeddedRedis({ dir, persist: false });
});
afterAll(async () => {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('ServiceRuntime metrics', () => {
  it('keeps the default process and event-loop metrics, sampling the loop at most 10 times a second', async () => {
    const config = parseConfig(
      'repos: [{ name: api, remote: ./api.git }]\nhosts: [{ name: h1, capabilities: [linux], slots: 1 }]\nlogLevel: warn\n',
      join(dir, 'nightshift.yaml'),
    );
    const runtime = new ServiceRuntime({ service: 'router', config, redisUrl: redis.url, port: 0, graceMs: 5000 });
    try {
      await runtime.start();
      const text = await runtime.registry.metrics();
      for (const name of [
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_p99_seconds',
        'nodejs_heap_size_used_bytes',
      ]) {
        expect(text).toContain(`${name}{service="router"}`);
      }
      expect(EVENT_LOOP_SAMPLE_MS).toBeGreaterThanOrEqual(100);
    } finally {
      await runtime.shutdown('spec');
    }
  });
});
