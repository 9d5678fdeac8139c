import { Counter, Registry } from 'prom-client';

import { startHttpServer } from './http-server';

describe('startHttpServer', () => {
  it('serves healthz, a readyz that names the failing dependency, and metrics', async () => {
    const registry = new Registry();
    new Counter({ name: 'nightshift_test_total', help: 'test', registers: [registry] }).inc(3);
    let redisUp = false;
    const { app, url } = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      checks: [
        {
          name: 'redis',
          check: async () => {
            if (!redisUp) throw new Error('not connected to redis://127.0.0.1:1');
          },
        },
        { name: 'agent', check: async () => undefined },
      ],
    });
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const down = await fetch(`${url}/readyz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({
        ready: false,
        checks: [
          { name: 'redis', ok: false, error: 'not connected to redis://127.0.0.1:1' },
          { name: 'agent', ok: true },
        ],
      });
      redisUp = true;
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect(await (await fetch(`${url}/metrics`)).text()).toContain('nightshift_test_total 3');
    } finally {
      await app.close();
    }
  });

  it('times out a dependency check that hangs', async () => {
    const { app, url } = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      registry: new Registry(),
      checks: [{ name: 'slow', check: () => new Promise(() => undefined) }],
    });
    try {
      const res = await fetch(`${url}/readyz`);
      expect(res.status).toBe(503);
      expect(JSON.stringify(await res.json())).toContain('no answer within');
    } finally {
      await app.close();
    }
  });
});
