import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { Pipeline, REPO_ROOT, scrapeMetric, waitFor } from './harness';

const CLI = path.join(REPO_ROOT, 'apps/cli/dist/main.js');
const DENIALS = 'nightshift_agent_permission_denials_total';
/** The same work on two repos: the agent asks to run the repo's tests. */
const TICKET = { description: 'Fix the pagination.\nfake-agent-runs: npm test' };

describe('agent permissions for unattended nights', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());

  it('a repo whose rules allow `npm test` gets no denial; the same ticket without the rule records it on the run, the events, the metric, the PR and `runs`', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha', 'beta'],
      config: {
        repos: [
          { name: 'alpha', remote: './remotes/alpha.git', allowedTools: ['Bash(npm test:*)'] },
          { name: 'beta', remote: './remotes/beta.git' },
        ],
      },
    });
    const allowed = await pipeline.board.add({ title: '[alpha] paginate the list', ...TICKET });
    const refused = await pipeline.board.add({ title: '[beta] paginate the list', ...TICKET });
    const [, runner] = pipeline.startAll();
    await waitFor(
      'both tickets In Review',
      async () => (await pipeline.board.list()).every((t) => t.state === 'In Review'),
      60_000,
      200,
    );

    // The rules reached the CLI as its own flags, one argument each, with the built-in denies.
    const launches = pipeline.agentLaunches();
    const alphaArgv = launches.find((l) => l.cwd.includes(allowed.key))!.argv;
    const betaArgv = launches.find((l) => l.cwd.includes(refused.key))!.argv;
    expect(alphaArgv).toContain('Bash(npm test:*)');
    expect(betaArgv).not.toContain('Bash(npm test:*)');
    for (const argv of [alphaArgv, betaArgv])
      expect(argv.slice(argv.indexOf('--disallowedTools'))).toContain('Bash(git push:*)');

    const runs = await pipeline.runs.list();
    const alphaRun = runs.find((r) => r.repo === 'alpha')!;
    const betaRun = runs.find((r) => r.repo === 'beta')!;
    expect(alphaRun).toMatchObject({ outcome: 'success' });
    expect(alphaRun.permissionDenials).toBeUndefined();
    // Denied, and still a success: the work was done, the PR says what the agent could not check.
    expect(betaRun).toMatchObject({ outcome: 'success', permissionDenials: ['Bash(npm test)'] });

    const denialEvents = (await pipeline.events.read()).filter((e) => e.type === 'session.permission_denied');
    expect(denialEvents).toHaveLength(1);
    expect(denialEvents[0]).toMatchObject({
      repo: 'beta',
      ticket: refused.key,
      run: betaRun.runId,
      detail: { count: 1, tools: 'Bash(npm test)' },
    });

    const url = await runner!.url;
    expect(await scrapeMetric(url, DENIALS, { repo: 'beta', tool: 'Bash' })).toBe(1);
    expect(await scrapeMetric(url, DENIALS, { repo: 'alpha' })).toBe(0);

    const prs = await pipeline.forge.listPrs();
    const betaPr = prs.find((p) => p.repo === 'beta')!;
    expect(betaPr.body).toContain('not allowed to run');
    expect(betaPr.body).toContain('`Bash(npm test)`');
    expect(betaPr.body).toContain('`Bash(npm test:*)`');
    expect(prs.find((p) => p.repo === 'alpha')!.body).not.toContain('not allowed');

    const env = { ...process.env, REDIS_URL: pipeline.redisUrl };
    const table = (await promisify(execFile)(process.execPath, [CLI, '--config', pipeline.configFile, 'runs'], { env }))
      .stdout;
    const [header, ...rows] = table.trim().split('\n');
    const column = header!.split(/\s{2,}/).indexOf('DENIED');
    const repoColumn = header!.split(/\s{2,}/).indexOf('REPO');
    expect(column).toBeGreaterThan(0);
    const deniedOf = (repo: string) =>
      rows.map((r) => r.split(/\s{2,}/)).find((cells) => cells[repoColumn] === repo)![column];
    expect(deniedOf('beta')).toBe('1');
    expect(deniedOf('alpha')).toBe('0');
  });

  it('a failed run lists the commands the agent was not allowed to run in the Needs Human summary, secrets redacted', async () => {
    const secret = 'tok_supersecret_4711';
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: { routing: { maxAttempts: 1, retryDelaySec: 1 } },
      env: { DEPLOY_API_TOKEN: secret },
    });
    const ticket = await pipeline.board.add({
      title: '[alpha] make the build green',
      description: `fake-agent: fail\nfake-agent-runs: npm run build\nfake-agent-runs: curl -H "X-Token: ${secret}" https://bob:hunter22@ci.example.com/retry`,
    });
    pipeline.startAll();
    await waitFor(
      'the ticket with a human',
      async () => (await pipeline.board.getTicket(ticket.key))?.state === 'Needs Human',
      60_000,
      200,
    );
    const summary = (await pipeline.board.getTicket(ticket.key))!.comments.at(-1)!.body;
    expect(summary).toMatch(/attempt 1 · cheap-model · task_failed/);
    // Quoted agent text is made inert with zero-width spaces (an `@` here could be a mention): it reads the same.
    expect(summary.replace(/\u200b/g, '')).toContain(
      'not allowed to run: Bash(npm run build); Bash(curl -H "X-Token: [redacted]" https://***@ci.example.com/retry)',
    );
    const event = (await pipeline.events.read()).find((e) => e.type === 'session.permission_denied')!;
    const [run] = await pipeline.runs.list();
    for (const text of [summary, JSON.stringify(event), JSON.stringify(run), pipeline.allOutput()]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('hunter22');
    }
    expect(event.detail).toMatchObject({ count: 2 });
  });

  it('refuses to start a session-runner (and `nightshift up`) with bypassPermissions outside a sandbox, saying why and how; runs it, loudly warned, once the operator declares an external sandbox', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: { agent: { permissionMode: 'bypassPermissions', sandbox: 'none' } },
    });
    const ticket = await pipeline.board.add({ title: '[alpha] anything', ...TICKET });
    const refused = pipeline.spawn('session-runner');
    const { code } = await refused.exited;
    const output = refused.output.join('\n');
    expect(code).toBe(2);
    expect(output).toContain('refusing to start');
    expect(output).toContain('bypassPermissions');
    expect(output).toContain('the sandbox for repo alpha on host linux-1 is none');
    expect(output).toContain('agent.sandbox: podman');
    expect(pipeline.agentLaunches()).toEqual([]);
    // `nightshift up` refuses the same config before it starts anything.
    const up = await promisify(execFile)(process.execPath, [CLI, '--config', pipeline.configFile, 'up'], {
      env: { ...process.env, REDIS_URL: '' },
    }).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(up.code).toBe(2);
    expect(up.stderr).toContain('UnsafePermissionModeError');
    expect(up.stderr).toContain('is none');
    expect(up.stdout).not.toContain('started redis-server');

    // The operator says this machine is a disposable sandbox: the mode runs, every command unasked (as root the CLI
    // gets IS_SANDBOX=1), and the runner says loudly that nothing checks that word.
    const config = JSON.parse(readFileSync(pipeline.configFile, 'utf8')) as { agent: Record<string, unknown> };
    writeFileSync(pipeline.configFile, JSON.stringify({ ...config, agent: { ...config.agent, sandbox: 'external' } }));
    const [, runner] = pipeline.startAll();
    await waitFor(
      'the ticket In Review',
      async () => (await pipeline.board.getTicket(ticket.key))?.state === 'In Review',
      60_000,
      200,
    );
    const [run] = await pipeline.runs.list();
    expect(run).toMatchObject({ outcome: 'success' });
    expect(run!.permissionDenials).toBeUndefined();
    expect(runner!.output.join('\n')).toContain('agent.sandbox is external');
  });
});
