import { HostRegistry } from '@nightshift/state';

import { Pipeline, waitFor } from './harness';

jest.setTimeout(60_000);

/** Two machines started with one config and no NIGHTSHIFT_HOST: both would be hosts[0] and reap each other. */
describe('one host name on two machines', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'], env: { NIGHTSHIFT_HOST_HEARTBEAT_MS: '300' } });
    pipeline.spawn('worktree-manager');
  });
  afterAll(() => pipeline?.stop());

  it('the second runner refuses to start with one line while the first machine beats under the name', async () => {
    pipeline.spawn('session-runner', { NIGHTSHIFT_MACHINE_ID: 'machine-a', NIGHTSHIFT_BOOT_ID: 'boot-a' });
    await waitFor(
      'machine-a live as linux-1',
      async () => (await new HostRegistry(pipeline.redis).live('linux-1'))?.machineId === 'machine-a',
      30_000,
      100,
    );
    const second = pipeline.spawn('session-runner', {
      NIGHTSHIFT_MACHINE_ID: 'machine-b',
      NIGHTSHIFT_BOOT_ID: 'boot-b',
    });

    expect(await second.exited).toMatchObject({ code: 2 });
    const refusals = second.output.filter((line) => line.includes('refusing to start'));
    expect(refusals).toEqual([
      expect.stringMatching(
        /^nightshift session-runner: refusing to start: host "linux-1" is already live from another machine \(machine id machine-a,.*NIGHTSHIFT_HOST/,
      ),
    ]);
    expect((await new HostRegistry(pipeline.redis).live('linux-1'))?.machineId).toBe('machine-a');
  });
});
