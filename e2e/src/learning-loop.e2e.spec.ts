import { Pipeline, waitFor } from './harness';

/**
 * The learning loop with the fake agent's `pitfall=stale-lockfile`: its failure says "npm ci stopped
 * …: package.json and package-lock.json are not in sync", and it gets past only with the fix command
 * (`npm install --package-lock-only`) in its prompt — which only a successful run's final message
 * states, never the failure, a ticket or a marker. The first ticket (`discover=3`) fails twice and
 * works the fix out on its third launch; a later ticket, in other words, meets the same failure: with
 * memory its prompt carries that fix once and it succeeds on its first attempt.
 */
const FIX_COMMAND = 'npm install --package-lock-only';
const FIRST = {
  title: '[api] Upgrade lodash to 4.17.21',
  description: 'fake-agent: pitfall=stale-lockfile discover=3',
};
const LATER = [
  'After bumping dayjs, the dependency install on CI aborts: the lock file and the manifest disagree.',
  'CI cannot install packages after the axios version bump: the lock is out of date.',
  'The uuid upgrade leaves npm unable to install on the build machine; lock and package list differ.',
  'After the zod release bump the install step on CI stops: the lock file is behind the package manifest.',
  'Installing dependencies breaks after raising the pino version; the lock no longer matches.',
];
const TITLES = ['Bump the date library', 'Upgrade axios', 'Bump uuid', 'Move to the new zod', 'Raise pino'];

async function start(memoryEnabled: boolean): Promise<Pipeline> {
  // fastFailSec 0: the fake fails in milliseconds, which would otherwise be a fast fail (no lesson, no attempt).
  const pipeline = await Pipeline.start({
    repos: ['api'],
    config: {
      agent: { fastFailSec: 0 },
      routing: { maxAttempts: 3, retryDelaySec: 1 },
      memory: { enabled: memoryEnabled, recallTimeoutMs: 5000 },
    },
  });
  pipeline.startAll();
  if (memoryEnabled) pipeline.spawn('memory-consolidator');
  return pipeline;
}

/** The first ticket, once it is In Review (it fails twice, then works the fix out on its third launch). */
async function firstTicketDone(pipeline: Pipeline) {
  const first = await pipeline.board.add(FIRST);
  await waitFor(
    'the first ticket In Review',
    async () => (await pipeline.board.getTicket(first.key))?.state === 'In Review',
    240_000,
    200,
  );
  return first;
}

/** The later tickets: the same failure, each described in its own words. */
async function addLater(pipeline: Pipeline) {
  const later = [];
  for (const [i, description] of LATER.entries())
    later.push(
      await pipeline.board.add({
        title: `[api] ${TITLES[i]}`,
        description: `${description}\nfake-agent: pitfall=stale-lockfile`,
      }),
    );
  return later;
}

async function firstAttempt(pipeline: Pipeline, key: string) {
  return waitFor(
    `the first run of ${key}`,
    async () => (await pipeline.runs.list()).find((r) => r.tickets.includes(key) && r.attempt === 1 && r.outcome),
    180_000,
    200,
  );
}

// Every service process starts on a 2-core machine shared with parallel builds: generous, bounded waits.
jest.setTimeout(420_000);

describe('learning loop', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());

  it('with memory: a ticket fails twice then succeeds with a fix; later tickets in other words get that fix once and succeed first time; an unrelated one gets no learnings', async () => {
    pipeline = await start(true);
    const first = await firstTicketDone(pipeline);
    const firstRuns = (await pipeline.runs.list())
      .filter((r) => r.tickets.includes(first.key))
      .sort((a, b) => a.attempt - b.attempt);
    expect(firstRuns.map((r) => r.outcome)).toEqual(['task_failed', 'task_failed', 'success']);
    // One lesson for the two failures (write-time dedup), then its fix on the success.
    const learned = (await pipeline.events.read()).filter((e) => e.type === 'memory.learned');
    expect(learned.map((e) => e.detail?.['action'])).toEqual(['created', 'updated', 'updated']);
    expect(new Set(learned.map((e) => e.detail?.['learning'])).size).toBe(1);

    const later = await addLater(pipeline);
    const unrelated = await pipeline.board.add({ title: '[api] Add a FAQ section to the pricing page' });
    for (const t of later) expect((await firstAttempt(pipeline, t.key)).outcome).toBe('success');
    await waitFor(
      'all In Review',
      async () => (await pipeline.board.list()).every((t) => t.state === 'In Review'),
      240_000,
      200,
    );
    const prompts = pipeline.receivedPrompts().map((p) => p.prompt);
    const promptOf = (key: string) => prompts.filter((p) => p.includes(`Ticket: ${key}`));
    for (const t of later) {
      const [prompt] = promptOf(t.key);
      // The fix, cited by the lesson's id, exactly once; no second copy of the lesson.
      expect(prompt!.split(FIX_COMMAND)).toHaveLength(2);
      expect(prompt!.match(/\[mem:[0-9a-f]{8}(, trusted)?\]/g)).toHaveLength(1);
    }
    const [unrelatedPrompt] = promptOf(unrelated.key);
    expect(unrelatedPrompt).not.toMatch(/\[mem:/);
    expect(unrelatedPrompt).not.toContain(FIX_COMMAND);
  });

  it('without memory: the first ticket still works out its fix on its third launch, but every later ticket fails its first attempt', async () => {
    pipeline = await start(false);
    await firstTicketDone(pipeline);
    const keys = (await addLater(pipeline)).map((t) => t.key);
    for (const key of keys) expect((await firstAttempt(pipeline, key)).outcome).toBe('task_failed');
    expect((await pipeline.events.read()).some((e) => e.type.startsWith('memory.'))).toBe(false);
  });

  it('memory down: sessions go on without learnings, with an event saying so', async () => {
    pipeline = await Pipeline.start({ repos: ['api'], config: { memory: { enabled: true, recallTimeoutMs: 5000 } } });
    pipeline.startAll(); // no memory-consolidator
    const t = await pipeline.board.add({ title: '[api] plain change' });
    await waitFor(
      'In Review',
      async () => (await pipeline.board.getTicket(t.key))?.state === 'In Review',
      180_000,
      200,
    );
    const unavailable = (await pipeline.events.read()).find((e) => e.type === 'memory.unavailable');
    expect(unavailable?.detail?.['reason']).toMatch(/no memory-consolidator is running/);
  });
});
