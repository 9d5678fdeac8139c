import type { HostConfig } from '@nightshift/config';
import { HostRegistry } from '@nightshift/state';
import { useTestRedis } from '@nightshift/testing-fakes';
import { Registry } from 'prom-client';

import { HostHeartbeat, HostTakenError } from './host-heartbeat';

const testRedis = useTestRedis();
const linux: HostConfig = { name: 'linux-1', capabilities: ['linux'], slots: 4 } as HostConfig;

const runner = (machineId: string, bootId: string, ttlMs = 300) =>
  new HostHeartbeat(new HostRegistry(testRedis.redis), linux, () => 0, new Registry(), 50, ttlMs, {
    machineId,
    bootId,
  });

describe('two machines with one host name', () => {
  it('refuses the second runner while the first machine beats under that name, and leaves its entry alone', async () => {
    const first = runner('machine-a', 'boot-1');
    await first.start();
    const second = runner('machine-b', 'boot-9');

    const refused = await second.start().catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(HostTakenError);
    expect((refused as Error).message).toMatch(
      /^host "linux-1" is already live from another machine \(machine id machine-a, .*set NIGHTSHIFT_HOST/,
    );
    await second.stop();
    expect((await new HostRegistry(testRedis.redis).live('linux-1'))?.machineId).toBe('machine-a');
    await first.stop();
  });

  it('takes the name over once an entry of this machine before a reboot stops beating', async () => {
    const beforeReboot = runner('machine-a', 'boot-1');
    await beforeReboot.beat(); // its last beat: the machine went down
    const afterReboot = runner('machine-a', 'boot-2');

    await afterReboot.start();

    expect((await new HostRegistry(testRedis.redis).live('linux-1'))?.bootId).toBe('boot-2');
    await afterReboot.stop();
  });

  it('lets replicas of one host run side by side on one machine (one boot id), whatever their machine ids', async () => {
    const first = runner('container-1', 'boot-1');
    await first.start();
    const second = runner('container-2', 'boot-1');
    const started = Date.now();
    await second.start();
    expect(Date.now() - started).toBeLessThan(1000);
    await second.stop();
    await first.stop();
  });

  it('starts at once after a restart on the same machine and boot', async () => {
    await runner('machine-a', 'boot-1', 60_000).beat();
    const restarted = runner('machine-a', 'boot-1', 60_000);
    const started = Date.now();
    await restarted.start();
    expect(Date.now() - started).toBeLessThan(1000);
    await restarted.stop();
  });
});
