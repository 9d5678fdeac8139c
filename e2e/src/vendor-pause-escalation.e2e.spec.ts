import path from 'node:path';

import { Pipeline, waitFor } from './harness';

const FAKE_CODEX = path.resolve(__dirname, '../../tools/fake-agents/fake-codex.js');

/**
 * The Claude account hits its usage limit (reset an hour away). A repo whose chain allows Codex goes on at once on
 * Codex, in the same attempt; a repo that does not allow it waits for the reset, nothing spent.
 */
describe('a vendor pause moves work across agents only where the repo allows it', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    pipeline = await Pipeline.start({
      repos: ['alpha', 'beta'],
      env: { FAKE_CLAUDE_DEFAULT: `fake-agent: rate-limit reset=${reset}` },
      config: {
        repos: [
          // Codex cannot express the default deny rules: the repo that may move to it runs contained.
          { name: 'alpha', remote: './remotes/alpha.git', agents: ['codex'], sandbox: { mode: 'external' } },
          { name: 'beta', remote: './remotes/beta.git' },
        ],
        agent: {
          accounts: [{ name: 'claude-main' }, { name: 'codex-main', agent: 'codex' }],
          escalation: ['claude:cheap-model', 'codex:gpt-5-codex'],
          commands: { codex: FAKE_CODEX },
        },
      },
    });
  }, 60_000);
  afterAll(() => pipeline?.stop());

  it('continues alpha on Codex without spending an attempt, and beta waits', async () => {
    const alpha = (await pipeline.board.add({ title: '[alpha] task', description: 'Do it.' })).key;
    const beta = (await pipeline.board.add({ title: '[beta] task', description: 'Do it.' })).key;
    pipeline.startAll();

    await waitFor(
      'the alpha PR',
      async () => (await pipeline.forge.listPrs()).some((p) => p.tickets.includes(alpha)),
      60_000,
    );
    await waitFor(
      'alpha In Review',
      async () => (await pipeline.board.getTicket(alpha))?.state === 'In Review',
      20_000,
    );
    const alphaRuns = (await pipeline.runs.list()).filter((r) => r.tickets.includes(alpha));
    expect(alphaRuns.map((r) => [r.agent, r.model, r.outcome, r.attempt])).toEqual(
      expect.arrayContaining([
        ['claude-code', 'cheap-model', 'rate_limited', 1],
        ['codex', 'gpt-5-codex', 'success', 1],
      ]),
    );
    expect(await pipeline.counters.attemptsSpent(alpha)).toBe(0);

    // Beta may not move: it waits for the Claude reset, an hour away.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect((await pipeline.forge.listPrs()).some((p) => p.tickets.includes(beta))).toBe(false);
    const betaRuns = (await pipeline.runs.list()).filter((r) => r.tickets.includes(beta));
    expect(betaRuns.every((r) => r.agent === 'claude-code' && r.outcome === 'rate_limited')).toBe(true);
    expect((await pipeline.board.getTicket(beta))?.state).not.toBe('In Review');
    expect(await pipeline.counters.attemptsSpent(beta)).toBe(0);
  });
});
