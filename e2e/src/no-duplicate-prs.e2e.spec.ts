import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { Pipeline, waitFor } from './harness';

/**
 * The 124-open-PRs incident: tickets restarted on every scan. Here two scanners and two routers race,
 * and the session-runner is killed with SIGKILL mid-session and restarted: still exactly one open PR
 * per ticket, and every ticket finishes.
 */
describe('no duplicate PRs under pressure', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha', 'beta'],
      config: {
        routing: { retryDelaySec: 1, jobLockSec: 3, stalledCheckSec: 1 },
        tracker: { kind: 'local', scanIntervalSec: 1 },
      },
      env: { FAKE_CLAUDE_DEFAULT: 'slow=1500 succeed' },
    });
  });
  afterAll(() => pipeline?.stop());

  it('keeps one open PR per ticket with racing routers and a runner killed mid-session', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 10; i++)
      keys.push((await pipeline.board.add({ title: `[${i % 2 ? 'alpha' : 'beta'}] job ${i}` })).key);
    pipeline.spawn('worktree-manager');
    const doomed = pipeline.spawn('session-runner');
    for (let i = 0; i < 2; i++) {
      pipeline.spawn('router');
      pipeline.spawn('ticket-scanner');
    }
    await waitFor(
      'a session in flight',
      async () => (await pipeline.events.read()).some((e) => e.type === 'session.started'),
      30_000,
      20,
    );
    await doomed.stop('SIGKILL');
    pipeline.spawn('session-runner');

    await waitFor(
      'every ticket In Review',
      async () => (await pipeline.board.list()).every((t) => t.state === 'In Review'),
      100_000,
      200,
    );

    const prs = await pipeline.forge.listPrs();
    const open = prs.filter((p) => p.state === 'open');
    expect(open).toHaveLength(keys.length);
    for (const key of keys) expect(open.filter((p) => p.tickets.includes(key))).toHaveLength(1);
    // The killed runner's session was redone, not doubled: one successful run per ticket.
    const runs = await pipeline.runs.list();
    for (const key of keys)
      expect(runs.filter((r) => r.tickets.includes(key) && r.outcome === 'success')).toHaveLength(1);
    // The killed runner's worktree was reused by the rerun and removed in its finally: nothing left.
    const root = path.join(pipeline.worktreeRoot, 'worktrees');
    await waitFor(
      'an empty worktree root',
      async () =>
        !existsSync(root) || readdirSync(root).every((repo) => readdirSync(path.join(root, repo)).length === 0),
      15_000,
    );
  });
});
