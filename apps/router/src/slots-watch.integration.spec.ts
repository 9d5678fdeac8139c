import { HostRegistry } from '@nightshift/state';
import { useTestRedis, waitFor } from '@nightshift/testing-fakes';

import { watchSlots } from './slots-watch';

const testRedis = useTestRedis();

async function join(hosts: HostRegistry, name: string, capabilities: string[], slots: number): Promise<void> {
  const now = new Date().toISOString();
  await hosts.beat(
    { name, capabilities, slots, slotsBusy: 0, version: 't', pid: 1, startedAt: now, heartbeatAt: now },
    600_000,
  );
}

describe('watchSlots', () => {
  it('reports a capability whose live slots grew — a host joining — and stays quiet otherwise', async () => {
    const hosts = new HostRegistry(testRedis.redis);
    await join(hosts, 'linux-1', ['linux'], 2);
    const grew: string[] = [];
    const errors: unknown[] = [];
    const watch = watchSlots(
      hosts,
      ['linux', 'mobile'],
      (c) => grew.push(c),
      50,
      (e) => errors.push(e),
    );
    try {
      // Several checks with nothing changed: no round asked for.
      await new Promise((r) => setTimeout(r, 300));
      expect(grew).toEqual([]);

      await join(hosts, 'mac-1', ['mobile'], 1);
      await waitFor('mobile reported', async () => grew.includes('mobile'), 5_000, 20);
      await join(hosts, 'linux-2', ['linux'], 3);
      await waitFor('linux reported', async () => grew.includes('linux'), 5_000, 20);
      await new Promise((r) => setTimeout(r, 300));
      // Once per growth, not at every check.
      expect(grew).toEqual(['mobile', 'linux']);
      expect(errors).toEqual([]);
    } finally {
      await watch.close();
    }
  });
});
