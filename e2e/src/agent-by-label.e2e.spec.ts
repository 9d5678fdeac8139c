import { execFile } from 'node:child_process';
import path from 'node:path';

import { Pipeline, waitFor } from './harness';

const CLI = path.resolve(__dirname, '../../apps/cli/dist/main.js');
const FAKE_CODEX = path.resolve(__dirname, '../../tools/fake-agents/fake-codex.js');

/**
 * A label `agent:codex` runs a ticket on Codex when its repo allows that CLI (`repos[].agents`); on a repo that
 * does not, the ticket is skipped with a comment naming the label and the repo's CLIs.
 */
describe('the agent CLI chosen per ticket label', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha', 'beta'],
      config: {
        repos: [
          // Codex cannot express the default deny rules: the repo that may run it runs contained.
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

  it('runs the labelled alpha ticket on Codex and refuses the labelled beta ticket', async () => {
    const alpha = (await pipeline.board.add({ title: '[alpha] task', description: 'Do it.', labels: ['agent:codex'] }))
      .key;
    const beta = (await pipeline.board.add({ title: '[beta] task', description: 'Do it.', labels: ['agent:codex'] }))
      .key;
    pipeline.startAll();

    await waitFor(
      'alpha In Review',
      async () => (await pipeline.board.getTicket(alpha))?.state === 'In Review',
      60_000,
    );
    const alphaRuns = (await pipeline.runs.list()).filter((r) => r.tickets.includes(alpha));
    expect(alphaRuns.map((r) => [r.agent, r.model, r.outcome, r.account])).toEqual([
      ['codex', 'gpt-5-codex', 'success', 'codex-main'],
    ]);
    const table = await cli('runs', '--since', '1h');
    expect(table).toMatch(new RegExp(`${alpha}\\s+alpha\\s+linux-1\\s+codex\\s+gpt-5-codex\\s`));

    await waitFor(
      'the beta ticket commented on',
      async () => ((await pipeline.board.getTicket(beta))?.comments.length ?? 0) > 0,
      30_000,
    );
    const comments = (await pipeline.board.getTicket(beta))!.comments.map((c) => c.body).join('\n');
    expect(comments).toContain(
      'label "agent:codex" asks for codex, which this repo does not allow (its CLIs: claude-code)',
    );
    expect(comments).toContain('Nightshift skipped this ticket: repo beta:');
    expect((await pipeline.runs.list()).filter((r) => r.tickets.includes(beta))).toEqual([]);
  });

  const cli = (...args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [CLI, '--config', pipeline.configFile, ...args],
        { env: { ...process.env, REDIS_URL: pipeline.redisUrl } },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
});
