import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { Pipeline, startFakeSlack, waitFor } from './harness';

/**
 * One test per incident the hand-written director suffered, end to end on real Redis, git and
 * processes with the fake agent.
 */
const SECRET = 'ghp_e2eSecretTokenValue123';

function worktreesLeft(pipeline: Pipeline): string[] {
  const dir = path.join(pipeline.worktreeRoot, 'worktrees');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((repo) => readdirSync(path.join(dir, repo)).map((k) => `${repo}/${k}`));
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
  } catch {
    return false;
  }
  // Zombies (exited, not yet reaped by PID 1 here) count as gone.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('incidents that must never happen again', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());

  it('rate-limit storm: every session rate-limited → 0 attempts spent, one pause until the parsed reset, resume by itself, every ticket done', async () => {
    const slack = await startFakeSlack();
    // The reset must still be ahead when the first session starts: services take seconds to start on a
    // loaded machine, and a reset already past means no rate limit at all.
    const reset = Math.ceil(Date.now() / 1000) + 20;
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      env: { FAKE_CLAUDE_DEFAULT: `rate-limit reset=${reset}`, SLACK_WEBHOOK_URL: slack.url, GITHUB_TOKEN: SECRET },
    });
    try {
      const keys: string[] = [];
      for (let i = 0; i < 6; i++) keys.push((await pipeline.board.add({ title: `[alpha] storm ${i}` })).key);
      pipeline.startAll();
      await waitFor(
        'every ticket In Review',
        async () => (await pipeline.board.list()).every((t) => t.state === 'In Review'),
        60_000,
        200,
      );

      for (const key of keys) expect(await pipeline.counters.attemptsSpent(key)).toBe(0);
      const events = await pipeline.events.read();
      const pauses = events.filter((e) => e.type === 'pause.started');
      expect(pauses).toHaveLength(1);
      expect(pauses[0]!.detail).toMatchObject({
        scope: 'agent account default',
        until: new Date(reset * 1000).toISOString(),
      });
      await waitFor(
        'the resume announced',
        async () => (await pipeline.events.read()).some((e) => e.type === 'pause.ended'),
        10_000,
      );
      const limited = events.filter((e) => e.type === 'session.outcome' && e.detail?.['outcome'] === 'rate_limited');
      expect(limited.length).toBeGreaterThanOrEqual(1);
      // No launch after the first rate limit happened before the reset instant.
      const firstLimit = Date.parse(limited[0]!.at);
      const early = pipeline
        .agentLaunches()
        .filter((l) => Date.parse(l.at) > firstLimit + 500 && Date.parse(l.at) < reset * 1000);
      expect(early).toEqual([]);

      // `nightshift runs` keeps both executions of a limited session: the rate limit, then the success.
      await waitFor(
        'every run recorded',
        async () => (await pipeline.runs.list()).filter((r) => r.outcome === 'success').length === keys.length,
        10_000,
      );
      const limitedRun = (await pipeline.runs.list()).find((r) => r.outcome === 'rate_limited')!;
      expect(
        (await pipeline.runs.list()).some(
          (r) =>
            r.runId === limitedRun.runId && r.outcome === 'success' && (r.execution ?? 1) > (limitedRun.execution ?? 1),
        ),
      ).toBe(true);

      await waitFor(
        'pause and resume notifications',
        async () => slack.texts.some((t) => t.includes('resumed')),
        10_000,
      );
      expect(slack.texts.some((t) => t.includes('paused agent account default'))).toBe(true);
      expect(slack.texts.join('\n')).not.toContain(SECRET);
      expect(pipeline.allOutput()).not.toContain(SECRET);
      expect(pipeline.allOutput()).not.toContain(slack.url.split('/').at(-1)!);
    } finally {
      await slack.close();
    }
  });

  it('escalation: the default model fails twice → the third launch uses the escalation model, recorded per run', async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'] });
    const ticket = await pipeline.board.add({
      title: '[alpha] tricky one',
      description: 'fake-agent: fail only-model=cheap-model',
    });
    pipeline.startAll();
    await waitFor(
      'ticket In Review',
      async () => (await pipeline.board.getTicket(ticket.key))?.state === 'In Review',
      60_000,
      200,
    );
    await waitFor(
      'three runs recorded',
      async () => (await pipeline.runs.list()).filter((r) => r.outcome).length === 3,
      10_000,
    );
    expect(pipeline.agentLaunches().map((l) => l.argv[l.argv.indexOf('--model') + 1])).toEqual([
      'cheap-model',
      'cheap-model',
      'strong-model',
    ]);
    const runs = (await pipeline.runs.list()).filter((r) => r.tickets.includes(ticket.key));
    expect(runs.map((r) => [r.model, r.outcome, r.attempt])).toEqual([
      ['cheap-model', 'task_failed', 1],
      ['cheap-model', 'task_failed', 2],
      ['strong-model', 'success', 3],
    ]);
  });

  it('a ticket that keeps failing goes to Needs Human once, with a summary of every attempt and a notification', async () => {
    const slack = await startFakeSlack();
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: { routing: { maxAttempts: 2, retryDelaySec: 1 } },
      env: { SLACK_WEBHOOK_URL: slack.url },
    });
    try {
      const ticket = await pipeline.board.add({ title: '[alpha] impossible', description: 'fake-agent: max-turns' });
      pipeline.startAll();
      await waitFor(
        'Needs Human',
        async () => (await pipeline.board.getTicket(ticket.key))?.state === 'Needs Human',
        60_000,
        200,
      );
      const comments = (await pipeline.board.getTicket(ticket.key))!.comments;
      expect(comments).toHaveLength(1);
      expect(comments[0]!.body).toMatch(/attempt 1 · cheap-model · task_failed/);
      expect(comments[0]!.body).toMatch(/attempt 2 · cheap-model · task_failed/);
      await waitFor(
        'needs-human notification',
        async () => slack.texts.some((t) => t.includes(`${ticket.key} needs a human`)),
        10_000,
      );
      expect(pipeline.agentLaunches()).toHaveLength(2);
    } finally {
      await slack.close();
    }
  });

  it('an agent that goes silent is killed as stalled within stallTimeoutSec + one check, its cost read from its transcript', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: {
        agent: { stallTimeoutSec: 2, accounts: [{ name: 'main', configDir: './claude-main' }] },
        routing: { maxAttempts: 1 },
      },
    });
    const ticket = await pipeline.board.add({ title: '[alpha] goes quiet', description: 'fake-agent: hang' });
    pipeline.startAll();
    await waitFor(
      'Needs Human after the stall',
      async () => (await pipeline.board.getTicket(ticket.key))?.state === 'Needs Human',
      30_000,
      100,
    );
    const events = await pipeline.events.read();
    const started = Date.parse(events.find((e) => e.type === 'session.started')!.at);
    const outcome = events.find((e) => e.type === 'session.outcome')!;
    expect(outcome.detail?.['outcome']).toBe('stalled');
    // stallTimeoutSec (2 s) + one check interval (0.5 s), plus the process-group kill and the bookkeeping
    // before the event (generous: two busy cores); the default stallTimeoutSec would be 300 s.
    expect(Date.parse(outcome.at) - started).toBeLessThan(2000 + 500 + 4000);

    const [run] = await pipeline.runs.list();
    const projects = path.join(pipeline.dir, 'claude-main', 'projects');
    const transcript = readdirSync(projects).flatMap((d) =>
      readdirSync(path.join(projects, d)).map((f) => path.join(projects, d, f)),
    )[0]!;
    const seen = new Set<string>();
    let output = 0;
    for (const line of readFileSync(transcript, 'utf8').split('\n').filter(Boolean)) {
      const record = JSON.parse(line) as { type: string; message?: { id?: string; usage?: { output_tokens: number } } };
      if (record.type !== 'assistant' || !record.message?.id || seen.has(record.message.id)) continue;
      seen.add(record.message.id);
      output += record.message.usage?.output_tokens ?? 0;
    }
    expect(output).toBeGreaterThan(0);
    expect(run!.usage?.output).toBe(output);
    await waitFor('worktree removed', async () => worktreesLeft(pipeline).length === 0, 10_000);
    const pid = pipeline.agentLaunches()[0]!.pid;
    await waitFor('the agent process group gone', async () => !groupAlive(pid), 5000, 20);
  });

  it('an agent that finishes but never exits is killed, its outcome recorded, its worktree removed and its slot freed', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: { agent: { afterResultGraceSec: 1 }, hosts: [{ name: 'linux-1', capabilities: ['linux'], slots: 1 }] },
    });
    const a = await pipeline.board.add({ title: '[alpha] first', description: 'fake-agent: never-exit' });
    const b = await pipeline.board.add({ title: '[alpha] second', description: 'fake-agent: never-exit' });
    pipeline.startAll();
    await waitFor(
      'both In Review through one slot',
      async () => {
        const tickets = await pipeline.board.list();
        return [a.key, b.key].every((k) => tickets.find((t) => t.key === k)?.state === 'In Review');
      },
      60_000,
      200,
    );
    await waitFor(
      'both runs recorded',
      async () => (await pipeline.runs.list()).filter((r) => r.outcome).length === 2,
      10_000,
    );
    const runs = await pipeline.runs.list();
    expect(runs.map((r) => r.outcome)).toEqual(['success', 'success']);
    for (const launch of pipeline.agentLaunches())
      await waitFor(`agent group ${launch.pid} gone`, async () => !groupAlive(launch.pid), 5000, 20);
    await waitFor('worktrees removed', async () => worktreesLeft(pipeline).length === 0, 10_000);
  });

  it('a ticket moved to Done mid-session: the session stops, the worktree goes, no PR, no attempt spent', async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'], config: { tracker: { kind: 'local', scanIntervalSec: 1 } } });
    const ticket = await pipeline.board.add({ title: '[alpha] slow one', description: 'fake-agent: slow=60000' });
    pipeline.startAll();
    await waitFor(
      'session started',
      async () => (await pipeline.events.read()).some((e) => e.type === 'session.started'),
      30_000,
      50,
    );
    await waitFor('agent launched', async () => pipeline.agentLaunches().length === 1, 30_000, 50);
    await pipeline.board.moveTo(ticket.key, 'Done');
    await waitFor(
      'canceled outcome',
      async () =>
        (await pipeline.events.read()).some(
          (e) => e.type === 'session.outcome' && e.detail?.['outcome'] === 'canceled',
        ),
      15_000,
      100,
    );
    await waitFor(
      'claim released',
      async () => (await pipeline.events.read()).some((e) => e.type === 'claim.released'),
      10_000,
      100,
    );
    expect(await pipeline.forge.listPrs()).toEqual([]);
    expect((await pipeline.board.getTicket(ticket.key))!.state).toBe('Done');
    expect(await pipeline.counters.attemptsSpent(ticket.key)).toBe(0);
    expect(worktreesLeft(pipeline)).toEqual([]);
    await waitFor('the agent process group gone', async () => !groupAlive(pipeline.agentLaunches()[0]!.pid), 5000, 20);
  });

  it('pre-flight auth failure pauses the account and notifies, spending nothing and launching nothing', async () => {
    const slack = await startFakeSlack();
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      env: { FAKE_CLAUDE_LOGGED_OUT: '1', SLACK_WEBHOOK_URL: slack.url },
    });
    try {
      const ticket = await pipeline.board.add({ title: '[alpha] anything' });
      pipeline.startAll();
      await waitFor(
        'account paused',
        async () => (await pipeline.events.read()).some((e) => e.type === 'pause.started'),
        30_000,
        100,
      );
      const pause = (await pipeline.events.read()).find((e) => e.type === 'pause.started')!;
      expect(pause.detail).toMatchObject({ scope: 'agent account default' });
      expect(String(pause.detail?.['reason'])).toContain('not logged in');
      await waitFor(
        'pause notification',
        async () => slack.texts.some((t) => t.includes('paused agent account default')),
        10_000,
      );
      expect(pipeline.agentLaunches()).toEqual([]);
      expect(await pipeline.counters.attemptsSpent(ticket.key)).toBe(0);
      expect((await pipeline.board.getTicket(ticket.key))!.state).toBe('In Progress');
    } finally {
      await slack.close();
    }
  });

  it('with several agent accounts, work moves to one that is not paused', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: {
        agent: {
          accounts: [
            { name: 'team-a', configDir: './claude-a' },
            { name: 'team-b', configDir: './claude-b' },
          ],
        },
      },
    });
    mkdirSync(path.join(pipeline.dir, 'claude-a'), { recursive: true });
    writeFileSync(path.join(pipeline.dir, 'claude-a', '.fake-logged-out'), '');
    const keys: string[] = [];
    for (let i = 0; i < 3; i++) keys.push((await pipeline.board.add({ title: `[alpha] shared ${i}` })).key);
    pipeline.startAll();
    await waitFor(
      'every ticket In Review',
      async () => (await pipeline.board.list()).every((t) => t.state === 'In Review'),
      60_000,
      200,
    );
    await waitFor(
      'runs recorded',
      async () => (await pipeline.runs.list()).filter((r) => r.outcome).length === 3,
      10_000,
    );
    expect((await pipeline.runs.list()).map((r) => r.account)).toEqual(['team-b', 'team-b', 'team-b']);
    const pauses = (await pipeline.events.read()).filter((e) => e.type === 'pause.started');
    expect(pauses.map((e) => e.detail?.['scope'])).toEqual(['agent account team-a']);
    for (const key of keys) expect(await pipeline.counters.attemptsSpent(key)).toBe(0);
  });
});
