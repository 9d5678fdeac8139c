import path from 'node:path';

import { Pipeline, waitFor } from './harness';

const FAKE_CODEX = path.resolve(__dirname, '../../tools/fake-agents/fake-codex.js');

/**
 * Every Claude run fails. `agent.escalation: [claude:cheap-model, claude:strong-model, codex:gpt-5-codex]` is walked
 * by attempts spent: a repo that allows Codex goes to it on its third attempt and opens its PR there; a repo that
 * does not stays on Claude (the escalation model after `escalateAfter`) until its attempts are spent.
 */
describe('escalation across agent CLIs by attempts spent', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha', 'beta'],
      env: { FAKE_CLAUDE_DEFAULT: 'fail' },
      config: {
        repos: [
          // Codex cannot express the default deny rules: the repo that may move to it runs contained.
          { name: 'alpha', remote: './remotes/alpha.git', agents: ['codex'], sandbox: { mode: 'external' } },
          { name: 'beta', remote: './remotes/beta.git' },
        ],
        agent: {
          accounts: [{ name: 'claude-main' }, { name: 'codex-main', agent: 'codex' }],
          escalation: ['claude:cheap-model', 'claude:strong-model', 'codex:gpt-5-codex'],
          commands: { codex: FAKE_CODEX },
        },
      },
    });
  }, 60_000);
  afterAll(() => pipeline?.stop());

  it('moves alpha to Codex after claude:cheap-model and claude:strong-model failed; beta stays on Claude', async () => {
    const alpha = (await pipeline.board.add({ title: '[alpha] task', description: 'Do it.' })).key;
    const beta = (await pipeline.board.add({ title: '[beta] task', description: 'Do it.' })).key;
    pipeline.startAll();

    await waitFor(
      'alpha In Review',
      async () => (await pipeline.board.getTicket(alpha))?.state === 'In Review',
      120_000,
    );
    const runsOf = async (key: string) =>
      (await pipeline.runs.list())
        .filter((r) => r.tickets.includes(key))
        .sort((a, b) => a.attempt - b.attempt)
        .map((r) => [r.attempt, r.agent, r.model, r.outcome]);
    expect(await runsOf(alpha)).toEqual([
      [1, 'claude-code', 'cheap-model', 'task_failed'],
      [2, 'claude-code', 'strong-model', 'task_failed'],
      [3, 'codex', 'gpt-5-codex', 'success'],
    ]);

    await waitFor(
      'beta Needs Human',
      async () => (await pipeline.board.getTicket(beta))?.state === 'Needs Human',
      60_000,
    );
    expect(await runsOf(beta)).toEqual([
      [1, 'claude-code', 'cheap-model', 'task_failed'],
      [2, 'claude-code', 'cheap-model', 'task_failed'],
      [3, 'claude-code', 'strong-model', 'task_failed'],
    ]);
  });
});
