import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { Pipeline, REPO_ROOT, waitFor } from './harness';

const CLI = path.join(REPO_ROOT, 'apps/cli/dist/main.js');

describe('session policies', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());

  it('no diff is not done: a run that changed nothing never reaches In Review; one asking for an outside change goes to a human, quoted', async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'], config: { routing: { maxAttempts: 3, retryDelaySec: 1 } } });
    const outside = await pipeline.board.add({
      title: '[alpha] login broken',
      description:
        'fake-agent: no-diff\nfake-agent-says: Please update the AUTH_URL environment variable in the Vercel dashboard.',
    });
    const nothing = await pipeline.board.add({ title: '[alpha] already fine', description: 'fake-agent: no-diff' });
    pipeline.startAll();
    await waitFor(
      'the outside ask with a human',
      async () => (await pipeline.board.getTicket(outside.key))?.state === 'Needs Human',
      30_000,
      100,
    );
    const comment = (await pipeline.board.getTicket(outside.key))!.comments.at(-1)!.body;
    expect(comment).toContain('> Please update the AUTH_URL environment variable in the Vercel dashboard.');
    expect(comment).toContain('No code evidence');
    await waitFor(
      'the plain no-diff ticket out of attempts',
      async () => (await pipeline.board.getTicket(nothing.key))?.state === 'Needs Human',
      60_000,
      200,
    );
    expect(await pipeline.counters.attemptsSpent(nothing.key)).toBe(3);
    expect(await pipeline.forge.listPrs()).toEqual([]);
  });

  it('batches up to batchSize tickets of one repo into one session, one branch and one PR linked from each', async () => {
    pipeline = await Pipeline.start({ repos: ['alpha', 'beta'], config: { routing: { batchSize: 2 } } });
    const keys: string[] = [];
    for (let i = 0; i < 4; i++) keys.push((await pipeline.board.add({ title: `[alpha] part ${i}` })).key);
    const lone = (await pipeline.board.add({ title: '[beta] alone' })).key;
    pipeline.startAll();
    await waitFor(
      'all In Review',
      async () => (await pipeline.board.list()).every((t) => t.state === 'In Review'),
      60_000,
      200,
    );
    const prs = await pipeline.forge.listPrs();
    const alphaPrs = prs.filter((p) => p.repo === 'alpha');
    expect(alphaPrs.length).toBeLessThan(4);
    expect(alphaPrs.flatMap((p) => p.tickets).sort()).toEqual([...keys].sort());
    expect(alphaPrs.some((p) => p.tickets.length === 2)).toBe(true);
    for (const pr of prs) {
      for (const key of pr.tickets)
        expect((await pipeline.board.getTicket(key))!.comments.some((c) => c.body.includes(pr.url))).toBe(true);
    }
    expect(prs.find((p) => p.repo === 'beta')?.tickets).toEqual([lone]);
    // One session per batch: fewer launches than tickets.
    expect(pipeline.agentLaunches().length).toBe(prs.length);
  });

  it('pauses intake when most sessions of a scan cycle fast-fail, and `nightshift status` says why and until when', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: {
        intake: { fastFailMinSessions: 3, fastFailPauseRatio: 0.8, fastFailPauseMin: 5 },
        tracker: { kind: 'local', scanIntervalSec: 30 },
      },
      env: { FAKE_CLAUDE_DEFAULT: 'crash' },
    });
    for (let i = 0; i < 4; i++) await pipeline.board.add({ title: `[alpha] doomed ${i}` });
    pipeline.startAll();
    await waitFor(
      'intake paused',
      async () =>
        (await pipeline.events.read()).some((e) => e.type === 'pause.started' && e.detail?.['scope'] === 'intake'),
      60_000,
      200,
    );
    const runs = await pipeline.runs.list();
    expect(runs.filter((r) => r.outcome === 'fast_fail').length).toBeGreaterThanOrEqual(3);
    const env = { ...process.env, REDIS_URL: pipeline.redisUrl };
    const cli = async (...args: string[]) =>
      (await promisify(execFile)(process.execPath, [CLI, '--config', pipeline.configFile, ...args], { env })).stdout;
    const status = await cli('status');
    expect(status).toMatch(/intake\s+\S+Z\s+.*fast-failed/);
    expect(await cli('resume')).toContain('resumed intake');
    expect(await cli('status')).toContain('Nothing paused.');
    expect(await cli('pause', '--account', 'default', '--for', '30m', '--reason', 'maintenance')).toMatch(
      /paused agent account default until \S+Z/,
    );
    expect(await cli('status', '--json')).toContain('"reason": "maintenance"');
  });

  it('a repo prompt template with an unknown variable fails the run clearly, once on the ticket, spending no attempt', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      files: { '.nightshift/prompt.md': 'Work on {{tickts}} in {{repo}}' },
      config: {
        repos: [{ name: 'alpha', remote: './remotes/alpha.git', promptTemplate: '.nightshift/prompt.md' }],
        routing: { retryDelaySec: 1 },
      },
    });
    const ticket = await pipeline.board.add({ title: '[alpha] anything' });
    pipeline.startAll();
    await waitFor(
      'two failed runs',
      async () => (await pipeline.runs.list()).filter((r) => r.outcome === 'infra_error').length >= 2,
      30_000,
      200,
    );
    const comments = (await pipeline.board.getTicket(ticket.key))!.comments;
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(
      'prompt template alpha:.nightshift/prompt.md uses unknown variable(s) {{tickts}}',
    );
    expect(await pipeline.counters.attemptsSpent(ticket.key)).toBe(0);
    expect(pipeline.agentLaunches()).toEqual([]);
  });

  it('a failing beforeRun hook fails the run as infra_error, spending no attempt; a failing afterRun hook is only logged', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha', 'beta'],
      config: {
        repos: [
          {
            name: 'alpha',
            remote: './remotes/alpha.git',
            hooks: { beforeRun: ['sh', '-c', 'echo "no node_modules" >&2; exit 3'] },
          },
          { name: 'beta', remote: './remotes/beta.git', hooks: { afterRun: ['false'] } },
        ],
        routing: { retryDelaySec: 1 },
      },
    });
    const blocked = await pipeline.board.add({ title: '[alpha] blocked by its hook' });
    const fine = await pipeline.board.add({ title: '[beta] after-run hook fails' });
    pipeline.startAll();
    await waitFor(
      'beta In Review',
      async () => (await pipeline.board.getTicket(fine.key))?.state === 'In Review',
      30_000,
      100,
    );
    await waitFor(
      'an infra_error run for alpha',
      async () => (await pipeline.runs.list()).some((r) => r.repo === 'alpha' && r.outcome === 'infra_error'),
      30_000,
      100,
    );
    const failed = (await pipeline.runs.list()).find((r) => r.repo === 'alpha')!;
    expect(failed.reason).toMatch(/beforeRun/);
    expect(await pipeline.counters.attemptsSpent(blocked.key)).toBe(0);
    expect(pipeline.agentLaunches().every((l) => !l.cwd.includes('/alpha/'))).toBe(true);
    await waitFor(
      'the afterRun failure logged',
      async () => pipeline.allOutput().includes('afterRun hook failed'),
      10_000,
    );
  });
});
