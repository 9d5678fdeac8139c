import { Pipeline, waitFor } from './harness';

describe('per-repo concurrency cap', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());

  it('repos[].maxConcurrent=1 with four tickets and four free slots: never two sessions of that repo at once, all finish; another repo is not held back', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha', 'beta'],
      config: {
        repos: [
          { name: 'alpha', remote: './remotes/alpha.git', labels: ['alpha-label'], maxConcurrent: 1 },
          { name: 'beta', remote: './remotes/beta.git', labels: ['beta-label'] },
        ],
        hosts: [{ name: 'linux-1', capabilities: ['linux'], slots: 4 }],
      },
    });
    // Slow sessions, so without the cap the four alpha tickets would overlap on four free slots.
    const alpha: string[] = [];
    for (let i = 0; i < 4; i++)
      alpha.push(
        (
          await pipeline.board.add({
            title: `alpha change ${i}`,
            labels: ['alpha-label'],
            description: 'fake-agent: slow=1500',
          })
        ).key,
      );
    const beta: string[] = [];
    for (let i = 0; i < 2; i++)
      beta.push(
        (
          await pipeline.board.add({
            title: `beta change ${i}`,
            labels: ['beta-label'],
            description: 'fake-agent: slow=3000',
          })
        ).key,
      );
    pipeline.startAll();

    const all = [...alpha, ...beta];
    await waitFor(
      'every ticket In Review',
      async () =>
        (await Promise.all(all.map((k) => pipeline.board.getTicket(k)))).every((t) => t?.state === 'In Review'),
      180_000,
      200,
    );

    // Replay the event stream: a session runs from session.started to claim.released.
    const running = new Map<string, Set<string>>();
    const peak = new Map<string, number>();
    for (const e of await pipeline.events.read()) {
      if (!e.repo || !e.run || (e.type !== 'session.started' && e.type !== 'claim.released')) continue;
      const runs = running.get(e.repo) ?? new Set<string>();
      if (e.type === 'session.started') runs.add(e.run);
      else runs.delete(e.run);
      running.set(e.repo, runs);
      peak.set(e.repo, Math.max(peak.get(e.repo) ?? 0, runs.size));
    }
    expect(peak.get('alpha')).toBe(1);
    // Each held-back alpha run said once why it waited (not on every retry); beta never waited.
    const waits = (await pipeline.events.read()).filter((e) => e.type === 'session.waiting');
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect(
      waits.every((e) => e.repo === 'alpha' && String(e.detail?.['reason']).includes('repos[].maxConcurrent')),
    ).toBe(true);
    expect(new Set(waits.map((e) => e.run)).size).toBe(waits.length);
    // The uncapped repo ran its two sessions side by side meanwhile: the cap is per repo, not global.
    expect(peak.get('beta')).toBe(2);
    const prs = await pipeline.forge.listPrs();
    expect(
      prs
        .filter((p) => p.repo === 'alpha')
        .map((p) => p.tickets[0])
        .sort(),
    ).toEqual([...alpha].sort());
    // Waiting for a slot spent nothing and failed nothing.
    for (const key of all) expect(await pipeline.counters.attemptsSpent(key)).toBe(0);
    expect(pipeline.agentLaunches()).toHaveLength(all.length);
  });
});
