import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { freePort, startEmbeddedRedis } from '@nightshift/service-shell';

import { Pipeline, waitFor } from './harness';

async function readyz(
  url: string,
): Promise<{ status: number; body: { ready: boolean; checks: Array<{ name: string; ok: boolean; error?: string }> } }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as never };
}

describe('bad input gets a clear answer and loses nothing', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());

  it('stops a service on a malformed nightshift.yaml, naming the file, the path and the reason', async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'] });
    writeFileSync(pipeline.configFile, 'repos:\n  - name: alpha\n    remote: 42\nhosts: []\n');
    const router = pipeline.spawn('router');
    const { code } = await router.exited;
    const output = router.output.join('\n');
    expect(code).toBe(2);
    expect(output).toContain(pipeline.configFile);
    expect(output).toContain('repos[0].remote');
    expect(output).toMatch(/expected string/i);
    expect(output).toContain('hosts');
  });

  it('says Redis is down on /readyz, keeps retrying without crashing, and recovers when it appears', async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'] });
    const port = await freePort();
    const router = pipeline.spawn('router', { REDIS_URL: `redis://127.0.0.1:${port}` });
    const url = await router.url;
    const down = await readyz(url);
    expect(down.status).toBe(503);
    expect(down.body.checks.find((c) => c.name === 'redis')).toMatchObject({ ok: false });
    expect(down.body.checks.find((c) => c.name === 'redis')?.error).toContain(`127.0.0.1:${port}`);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const late = await startEmbeddedRedis({ dir: path.join(pipeline.dir, 'late-redis'), port, persist: false });
    try {
      await waitFor('router ready once Redis is up', async () => (await readyz(url)).status === 200, 20_000, 200);
      expect(router.alive).toBe(true);
    } finally {
      await router.stop();
      await late.stop();
    }
  });

  it('routes or skips tickets with shell metacharacters without executing anything or leaving the worktree root', async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'] });
    const marker = path.join(pipeline.dir, 'pwned');
    const evil = await pipeline.board.add({
      title: `[alpha] $(touch ${marker}) \`touch ${marker}\` ../../../etc`,
      description: `; touch ${marker}; rm -rf ~ && echo "$HOME" '../../'`,
    });
    const skipped = await pipeline.board.add({ title: `$(touch ${marker}) ../../x`, description: '`touch x`' });
    pipeline.startAll();

    await waitFor(
      'the evil ticket In Review',
      async () => (await pipeline.board.getTicket(evil.key))?.state === 'In Review',
      60_000,
    );
    await waitFor(
      'the unroutable ticket commented on',
      async () => ((await pipeline.board.getTicket(skipped.key))?.comments.length ?? 0) > 0,
      30_000,
    );
    expect(existsSync(marker)).toBe(false);
    const launch = pipeline.agentLaunches()[0]!;
    expect(path.relative(pipeline.worktreeRoot, launch.cwd).startsWith('..')).toBe(false);
    const pr = (await pipeline.forge.listPrs())[0]!;
    expect(pr.head).toBe(`agent/${evil.key}`);
    expect(pr.title).toContain('$(touch');
    expect(readdirSync(pipeline.dir)).not.toContain('etc');
  });

  it('refuses to take sessions when the agent binary is missing, spending no attempt', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: { agent: { command: '/nonexistent/bin/claude', model: 'cheap-model' } },
    });
    const ticket = await pipeline.board.add({ title: '[alpha] something' });
    const [, runner] = pipeline.startAll();
    const url = await runner!.url;
    await waitFor(
      'agent check failing on /readyz',
      async () => {
        const { status, body } = await readyz(url);
        return (
          status === 503 &&
          body.checks.some((c) => c.name === 'agent' && !c.ok && (c.error ?? '').includes('/nonexistent/bin/claude'))
        );
      },
      20_000,
    );
    await waitFor(
      'ticket claimed and waiting',
      async () => (await pipeline.board.getTicket(ticket.key))?.state === 'In Progress',
      20_000,
    );
    await waitFor(
      'the runner saying why it takes no session',
      async () => runner!.output.join('\n').includes('agent.command'),
      20_000,
    );
    expect(await pipeline.counters.attemptsSpent(ticket.key)).toBe(0);
    expect(pipeline.agentLaunches()).toHaveLength(0);
  });
});
