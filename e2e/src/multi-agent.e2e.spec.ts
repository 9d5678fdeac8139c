import { execFile } from 'node:child_process';
import path from 'node:path';

import { FAKE_AGENT_ENV, Pipeline, scrapeMetric, waitFor } from './harness';

const CLI = path.resolve(__dirname, '../../apps/cli/dist/main.js');
const DOUBLES = path.resolve(__dirname, '../../tools/fake-agents');
/** Codex and Gemini CLI cannot express the default deny rules: their repos run contained (a disposable machine). */
const CONTAINED = { mode: 'external' };

/**
 * One swarm, four repos, four agent CLIs (Claude Code, Codex, Gemini CLI, OpenCode doubles speaking their real
 * formats): each repo's ticket becomes its PR, `runs` names the agent and model of each run, and the metrics split
 * cost by agent (vendor), estimated from agent.prices where the CLI prints none.
 */
describe('repos on different agent CLIs', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha', 'beta', 'gamma', 'delta'],
      // Gemini CLI's pre-flight has no command: an API key variable counts as logged in.
      env: { GEMINI_API_KEY: 'test-only' },
      config: {
        repos: [
          { name: 'alpha', remote: './remotes/alpha.git' },
          {
            name: 'beta',
            remote: './remotes/beta.git',
            agent: { kind: 'codex', command: path.join(DOUBLES, 'fake-codex.js'), model: 'gpt-5-codex' },
            sandbox: CONTAINED,
          },
          {
            name: 'gamma',
            remote: './remotes/gamma.git',
            agent: { kind: 'gemini-cli', command: path.join(DOUBLES, 'fake-gemini.js'), model: 'gemini-2.5-pro' },
            sandbox: CONTAINED,
          },
          {
            name: 'delta',
            remote: './remotes/delta.git',
            agent: {
              kind: 'opencode',
              command: path.join(DOUBLES, 'fake-opencode.js'),
              model: 'anthropic/claude-sonnet-4-5',
            },
          },
        ],
        agent: {
          // An account belongs to one vendor's CLI.
          accounts: [
            { name: 'anthropic' },
            { name: 'openai', agent: 'codex' },
            { name: 'google', agent: 'gemini-cli' },
            { name: 'opencode', agent: 'opencode' },
          ],
          commands: {
            codex: path.join(DOUBLES, 'fake-codex.js'),
            'gemini-cli': path.join(DOUBLES, 'fake-gemini.js'),
            opencode: path.join(DOUBLES, 'fake-opencode.js'),
          },
          env: { pass: [...FAKE_AGENT_ENV, 'FAKE_AGENT_ARGV_LOG'] },
          prices: {
            'gpt-5-codex': { input: 1.25, output: 10, cacheRead: 0.125 },
            'gemini-2.5-pro': { input: 1.25, output: 10, cacheRead: 0.31 },
          },
        },
      },
    });
  }, 60_000);
  afterAll(() => pipeline?.stop());

  it('opens one PR per repo, each made by its own CLI, and reports agent, model and cost per vendor', async () => {
    const keys: Record<string, string> = {};
    for (const repo of ['alpha', 'beta', 'gamma', 'delta'])
      keys[repo] = (await pipeline.board.add({ title: `[${repo}] task`, description: `Do the ${repo} thing.` })).key;
    pipeline.startAll();
    const exporter = pipeline.spawn('metrics-exporter');

    await waitFor('4 open PRs', async () => (await pipeline.forge.listPrs()).length >= 4, 90_000);
    const prs = await pipeline.forge.listPrs();
    expect(prs.map((p) => p.head).sort()).toEqual(
      Object.values(keys)
        .map((k) => `agent/${k}`)
        .sort(),
    );

    // The run record's final write (outcome, PR link) lands just after the PR.
    await waitFor(
      '4 finished runs',
      async () => (await pipeline.runs.list()).filter((r) => r.prUrl).length >= 4,
      20_000,
    );
    const runs = await pipeline.runs.list();
    expect(runs).toHaveLength(4);
    const byRepo = Object.fromEntries(runs.map((r) => [r.repo, r]));
    expect(byRepo['alpha']).toMatchObject({ agent: 'claude-code', model: 'cheap-model', outcome: 'success' });
    expect(Object.fromEntries(runs.map((r) => [r.repo, r.account]))).toEqual({
      alpha: 'anthropic',
      beta: 'openai',
      gamma: 'google',
      delta: 'opencode',
    });
    expect(byRepo['beta']).toMatchObject({
      agent: 'codex',
      model: 'gpt-5-codex',
      outcome: 'success',
      costEstimated: true,
    });
    expect(byRepo['gamma']).toMatchObject({
      agent: 'gemini-cli',
      model: 'gemini-2.5-pro',
      outcome: 'success',
      costEstimated: true,
    });
    expect(byRepo['delta']).toMatchObject({
      agent: 'opencode',
      model: 'anthropic/claude-sonnet-4-5',
      outcome: 'success',
    });
    expect(byRepo['delta']!.costEstimated).toBeUndefined();
    for (const r of runs) expect([r.repo, r.costUsd! > 0]).toEqual([r.repo, true]);

    const table = await cli('runs', '--since', '1h');
    expect(table).toMatch(/HOST\s+AGENT\s+MODEL/);
    expect(table).toMatch(new RegExp(`${keys['beta']}\\s+beta\\s+linux-1\\s+codex\\s+gpt-5-codex\\s.*~\\$`));
    expect(table).toMatch(new RegExp(`${keys['gamma']}\\s+gamma\\s+linux-1\\s+gemini-cli\\s+gemini-2\\.5-pro\\s`));
    expect(table).toMatch(
      new RegExp(`${keys['delta']}\\s+delta\\s+linux-1\\s+opencode\\s+anthropic/claude-sonnet-4-5\\s`),
    );
    expect(table).toMatch(new RegExp(`${keys['alpha']}\\s+alpha\\s+linux-1\\s+claude-code\\s+cheap-model\\s`));

    const url = await exporter.url;
    for (const agent of ['claude-code', 'codex', 'gemini-cli', 'opencode']) {
      await waitFor(
        `cost of ${agent} in the metrics`,
        async () => (await scrapeMetric(url, 'nightshift_run_cost_usd_total', { agent })) > 0,
        20_000,
      );
      const recorded = runs.filter((r) => r.agent === agent).reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
      expect(await scrapeMetric(url, 'nightshift_run_cost_usd_total', { agent })).toBeCloseTo(recorded, 9);
    }
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
