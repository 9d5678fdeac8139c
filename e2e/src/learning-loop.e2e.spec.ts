import { Pipeline, waitFor } from './harness';

/**
 * The learning loop with the fake agent's `pitfall=X` directive: a session fails unless its prompt
 * carries `avoid-X`, a phrase only the failure's own output states. With memory, the first ticket
 * that meets the pitfall fails once, its outcome becomes a lesson, and its retry and every later
 * ticket that meets it get the lesson recalled into their prompt and succeed on the first attempt.
 */
const PITFALL = 'fake-agent: pitfall=stale-lockfile';
const LATER = ['store updated_at on orders', 'store shipped_at on orders', 'store paid_at on orders', 'store refunded_at on orders', 'store canceled_at on orders'];

async function start(memoryEnabled: boolean): Promise<Pipeline> {
  // fastFailSec 0: the fake fails in milliseconds, which would otherwise be a fast fail (no lesson, no attempt).
  const pipeline = await Pipeline.start({ repos: ['api'], config: { agent: { fastFailSec: 0 }, routing: { maxAttempts: 3, retryDelaySec: 1 }, memory: { enabled: memoryEnabled, recallTimeoutMs: 5000 } } });
  pipeline.startAll();
  if (memoryEnabled) pipeline.spawn('memory-consolidator');
  return pipeline;
}

async function firstAttempt(pipeline: Pipeline, key: string) {
  return waitFor(`the first run of ${key}`, async () => (await pipeline.runs.list()).find((r) => r.tickets.includes(key) && r.attempt === 1 && r.outcome), 180_000, 200);
}

// Every service process starts on a 2-core machine shared with parallel builds: generous, bounded waits.
jest.setTimeout(420_000);

describe('learning loop', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());

  it('with memory: the first ticket that meets the pitfall fails once and records the lesson; the next 5 succeed on their first attempt', async () => {
    pipeline = await start(true);
    const first = await pipeline.board.add({ title: '[api] store created_at on orders', description: PITFALL });
    await waitFor('the first ticket In Review', async () => (await pipeline.board.getTicket(first.key))?.state === 'In Review', 180_000, 200);
    const firstRuns = (await pipeline.runs.list()).filter((r) => r.tickets.includes(first.key)).sort((a, b) => a.attempt - b.attempt);
    expect(firstRuns.map((r) => r.outcome)).toEqual(['task_failed', 'success']);
    const events = await pipeline.events.read();
    expect(events.some((e) => e.type === 'memory.learned' && e.run === firstRuns[0]!.runId && e.detail?.['action'] === 'created')).toBe(true);
    expect(events.some((e) => e.type === 'memory.recalled' && e.run === firstRuns[1]!.runId)).toBe(true);

    const later = [];
    for (const title of LATER) later.push(await pipeline.board.add({ title: `[api] ${title}`, description: PITFALL }));
    for (const t of later) expect((await firstAttempt(pipeline, t.key)).outcome).toBe('success');
    await waitFor('all In Review', async () => (await pipeline.board.list()).every((t) => t.state === 'In Review'), 180_000, 200);
    // The lesson was cited by id in their prompts, and is trusted now that runs using it succeeded.
    const prompts = pipeline.receivedPrompts().map((p) => p.prompt);
    expect(prompts.filter((p) => /\[mem:[0-9a-f]{8}(, trusted)?\] .*avoid-stale-lockfile/.test(p)).length).toBeGreaterThanOrEqual(6);
    await waitFor('the lesson trusted', async () => (await pipeline.events.read()).some((e) => e.type === 'memory.learned' && Number(e.detail?.['trusted']) > 0), 10_000);
  });

  it('without memory: every ticket that meets the pitfall fails its first attempt', async () => {
    pipeline = await start(false);
    const keys = [];
    for (const title of ['store created_at on orders', ...LATER]) keys.push((await pipeline.board.add({ title: `[api] ${title}`, description: PITFALL })).key);
    for (const key of keys) expect((await firstAttempt(pipeline, key)).outcome).toBe('task_failed');
    expect((await pipeline.events.read()).some((e) => e.type.startsWith('memory.'))).toBe(false);
  });

  it('memory down: sessions go on without learnings, with an event saying so', async () => {
    pipeline = await Pipeline.start({ repos: ['api'], config: { memory: { enabled: true, recallTimeoutMs: 5000 } } });
    pipeline.startAll(); // no memory-consolidator
    const t = await pipeline.board.add({ title: '[api] plain change' });
    await waitFor('In Review', async () => (await pipeline.board.getTicket(t.key))?.state === 'In Review', 180_000, 200);
    const unavailable = (await pipeline.events.read()).find((e) => e.type === 'memory.unavailable');
    expect(unavailable?.detail?.['reason']).toMatch(/no memory-consolidator is running/);
  });
});
