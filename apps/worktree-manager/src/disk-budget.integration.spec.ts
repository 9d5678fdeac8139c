import * as fs from 'node:fs';
import * as path from 'node:path';

import { DiskUsage, WorktreeStore } from '@nightshift/git';
import { waitFor } from '@nightshift/testing-fakes';

import { DiskBudgetFullError } from './errors/disk-budget-full.error';
import { DiskWaitAbortedError } from './errors/disk-wait-aborted.error';
import { useWorktreeTestEnvs } from './testing/worktree-test-env';

jest.setTimeout(120_000);

const MB = 1024 * 1024;
const GB = 1024 ** 3;

const envs = useWorktreeTestEnvs();

/** Fills the root with one 8 MB worktree (BIG) and sets the budget 4 MB below what is then used. */
async function overBudget(remote: string, root: string): Promise<{ maxDiskGb: number }> {
  const store = new WorktreeStore({ root });
  const big = await store.createWorktree({
    repo: 'web',
    remoteUrl: remote,
    baseBranch: 'main',
    branch: 'agent/BIG',
    worktreeKey: 'BIG',
  });
  fs.writeFileSync(path.join(big.path, 'build-output.bin'), Buffer.alloc(8 * MB, 1));
  const used = await new DiskUsage(root).bytes();
  return { maxDiskGb: (used - 4 * MB) / GB };
}

describe('disk budget', () => {
  it('a create waits (event + gauge) while the root is over budget, never frees a live worktree, and proceeds once one is freed', async () => {
    const e = await envs.start({ prepare: overBudget });
    const bigPath = e.service.store.worktreePath('web', 'BIG');
    // BIG belongs to a run that is still heartbeating: live, so the sweeper must leave it.
    await e.service.ownership.record({
      repo: 'web',
      worktreeKey: 'BIG',
      runId: 'run-big',
      createdAt: new Date(e.now() - 3_600_000).toISOString(),
    });
    await e.heartbeat('run-big');

    let settled = false;
    const creating = e.create('NEW', 'run-new').finally(() => {
      settled = true;
    });
    const waiting = await e.waitForEvent('worktree.waiting_for_disk');
    expect(waiting).toMatchObject({ repo: 'web', run: 'run-new' });
    expect(String(waiting.detail?.['reason'])).toMatch(/over worktrees\.maxDiskGb/);
    await waitFor(
      'a disk sweep',
      () => e.logs.some((l) => l['msg'] === 'worktree sweep done' && l['reason'] === 'disk'),
      10_000,
    );
    expect(await e.registry.getSingleMetricAsString('nightshift_worktrees_waiting_for_disk')).toMatch(
      /waiting_for_disk(\{[^}]*\})? 1$/m,
    );
    expect(fs.existsSync(path.join(bigPath, 'build-output.bin'))).toBe(true);
    expect(settled).toBe(false);
    expect(fs.existsSync(e.service.store.worktreePath('web', 'NEW'))).toBe(false);

    // BIG's run ends without cleaning up (its heartbeat disappears): now it is a finished worktree to free.
    await e.sessions.remove('run-big');
    const made = await creating;
    expect(made.changed).toBe(true);
    expect(fs.existsSync(path.join(made.path, 'README.md'))).toBe(true);
    expect(fs.existsSync(bigPath)).toBe(false);
    expect(await e.registry.getSingleMetricAsString('nightshift_worktrees_waiting_for_disk')).toMatch(
      /waiting_for_disk(\{[^}]*\})? 0$/m,
    );
    const ready = await e.waitForEvent('worktree.ready');
    expect(Number(ready.detail?.['waitedForDiskMs'])).toBeGreaterThan(0);
  });

  it('creates at once when the root is within budget', async () => {
    const e = await envs.start({ worktrees: { maxDiskGb: 50 } });
    await e.create('ENG-1', 'run-1');
    expect((await e.events.read()).map((ev) => ev.type)).toEqual(['worktree.ready']);
    expect(await e.registry.getSingleMetricAsString('nightshift_worktrees_disk_budget_bytes')).toContain(
      String(50 * GB),
    );
  });

  it('a create still waiting when the service shuts down fails instead of holding the shutdown', async () => {
    const e = await envs.start({ prepare: overBudget });
    await e.service.ownership.record({ repo: 'web', worktreeKey: 'BIG', runId: 'run-big' });
    await e.heartbeat('run-big');
    const creating = e.create('NEW', 'run-new').catch((err: unknown) => err);
    await e.waitForEvent('worktree.waiting_for_disk');
    await e.service.close();
    expect(await creating).toBeInstanceOf(DiskWaitAbortedError);
    expect(fs.existsSync(e.service.store.worktreePath('web', 'NEW'))).toBe(false);
  });

  it('fails a create at once when as many creates as may wait already wait (workers stay free for removals)', async () => {
    const e = await envs.start({ prepare: overBudget, maxWaitingForDisk: 1 });
    await e.service.ownership.record({ repo: 'web', worktreeKey: 'BIG', runId: 'run-big' });
    await e.heartbeat('run-big');
    const first = e.create('ONE', 'run-1').catch((err: unknown) => err);
    await e.waitForEvent('worktree.waiting_for_disk');
    await expect(e.create('TWO', 'run-2')).rejects.toBeInstanceOf(DiskBudgetFullError);
    expect(await e.service.ownership.get('web', 'TWO')).toBeNull();
    // Removing BIG (its run's finally) frees the disk: the waiting create goes through.
    expect(await e.remove('BIG', 'run-big')).toEqual({ path: '', changed: true });
    expect(await first).toMatchObject({ changed: true });
  });
});
