import type { HostConfig } from '@nightshift/config';
import { HostRegistry } from '@nightshift/state';
import { useTestRedis, waitFor } from '@nightshift/testing-fakes';
import { Registry } from 'prom-client';

import { HostHeartbeat, hostHeartbeatMs } from './host-heartbeat';

const testRedis = useTestRedis();

const linux: HostConfig = { name: 'linux-1', capabilities: ['linux'], slots: 4 } as HostConfig;
const mac: HostConfig = { name: 'mac-1', capabilities: ['linux', 'mobile'], slots: 2 } as HostConfig;

async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const sample = metric?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return sample?.value;
}

describe('HostHeartbeat on real Redis', () => {
  it('registers a host with its capabilities, slots, version and pid, and renews it', async () => {
    const hosts = new HostRegistry(testRedis.redis);
    let busy = 1;
    const beat = new HostHeartbeat(hosts, mac, () => busy, new Registry(), 50);
    await beat.start();
    const first = (await hosts.list()).live;
    expect(first).toEqual([
      expect.objectContaining({
        name: 'mac-1',
        capabilities: ['linux', 'mobile'],
        slots: 2,
        slotsBusy: 1,
        pid: process.pid,
        version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      }),
    ]);
    busy = 2;
    const renewed = await waitFor(
      'a renewed heartbeat',
      async () => (await hosts.list()).live.find((h) => h.slotsBusy === 2 && h.heartbeatAt > first[0]!.heartbeatAt),
      5000,
    );
    expect(renewed.startedAt).toBe(first[0]!.startedAt);
    await beat.stop();
    expect(await hosts.list()).toEqual({ live: [], gone: [expect.objectContaining({ name: 'mac-1' })] });
  });

  it('lists a host that stops beating (kill -9) as gone once its TTL runs out, and says so in the metrics of a live one', async () => {
    const hosts = new HostRegistry(testRedis.redis);
    const metrics = new Registry();
    const survivor = new HostHeartbeat(hosts, linux, () => 3, metrics, 50);
    const dying = new HostHeartbeat(hosts, mac, () => 0, new Registry(), 50, 300);
    await dying.beat(); // one beat, then nothing: what a kill -9 leaves behind
    await survivor.start();
    expect((await hosts.list()).live.map((h) => h.name)).toEqual(['linux-1', 'mac-1']);
    expect(await metricValue(metrics, 'nightshift_host_up', { host: 'mac-1' })).toBe(1);

    const view = await waitFor(
      'mac-1 gone',
      async () => {
        const v = await hosts.list();
        return v.gone.some((h) => h.name === 'mac-1') ? v : undefined;
      },
      5000,
    );
    expect(view.live.map((h) => h.name)).toEqual(['linux-1']);
    await waitFor(
      'the survivor reporting mac-1 down',
      async () => ((await metricValue(metrics, 'nightshift_host_up', { host: 'mac-1' })) === 0 ? true : undefined),
      5000,
    );

    await hosts.forget('mac-1');
    expect((await hosts.list()).gone).toEqual([]);
    await survivor.stop();
  });

  it('refuses a heartbeat interval that is not a number, naming the variable', () => {
    expect(hostHeartbeatMs({})).toBe(10_000);
    expect(hostHeartbeatMs({ NIGHTSHIFT_HOST_HEARTBEAT_MS: '500' })).toBe(500);
    expect(() => hostHeartbeatMs({ NIGHTSHIFT_HOST_HEARTBEAT_MS: 'soon' })).toThrow(
      /NIGHTSHIFT_HOST_HEARTBEAT_MS=soon/,
    );
  });
});
