import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { freePort } from '@nightshift/service-shell';

import { Pipeline, REPO_ROOT, UpProcess, waitFor } from './harness';

const CLI = path.join(REPO_ROOT, 'apps/cli/dist/main.js');
/** A duration as the CLI and the comments write it (humanDuration): `430 ms`, `4.2 s`. */
const DURATION = '(\\d+ ms|\\d+\\.\\d s|\\d+ s)';

/** The operator's commands on a real pipeline: board move, ticket, runs, retry, logs --follow, status. */
describe("the operator's day", () => {
  let pipeline: Pipeline;
  let follower: ChildProcess | undefined;
  let up: UpProcess | undefined;
  afterEach(async () => {
    follower?.kill();
    follower = undefined;
    await up?.stop();
    up = undefined;
    await pipeline?.stop();
  });

  const cli = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [CLI, '--config', pipeline.configFile, ...args],
        { env: { ...process.env, REDIS_URL: pipeline.redisUrl } },
        (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const stateOf = async (key: string) => (await pipeline.board.getTicket(key))?.state;

  it('board move refuses a state the workflow does not have, with the one probably meant', async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'] });
    const key = (await pipeline.board.add({ title: '[alpha] a ticket', state: 'Needs Human' })).key;

    const lower = await cli('board', 'move', key, 'agent queue');
    expect(lower.code).toBe(2);
    expect(lower.stderr).toMatch(/"agent queue" is not a state of this workflow: did you mean "Agent Queue"\?/);
    const bogus = await cli('board', 'move', key, 'Bogus');
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(
      /"Bogus" is not a state.*"Agent Queue", "In Progress", "In Review", "Needs Human", "Done"/,
    );
    expect(await stateOf(key)).toBe('Needs Human');

    expect((await cli('board', 'move', key, 'Done')).code).toBe(0);
    expect(await stateOf(key)).toBe('Done');
  });

  it('ticket shows a Needs Human ticket with its run and comment; moving it back says why it returns; retry → a PR; runs --ticket totals', async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'], config: { routing: { maxAttempts: 1, retryDelaySec: 1 } } });
    const key = (await pipeline.board.add({ title: '[alpha] flaky thing', description: 'fake-agent: fail' })).key;
    pipeline.startAll();
    await waitFor('the ticket in Needs Human', async () => (await stateOf(key)) === 'Needs Human', 60_000, 100);

    const shown = await cli('ticket', key);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^${key}  Needs Human  \\[alpha\\] flaky thing`));
    expect(shown.stdout).toMatch(/attempts spent: 1\/1/);
    expect(shown.stdout).toMatch(
      new RegExp(`${key}\\.1\\s+\\d{4}-\\d\\d-\\d\\d [\\d:]+\\s+cheap-model\\s+1\\s+task_failed\\s+${DURATION}\\s`),
    );
    expect(shown.stdout).toMatch(/Comments \(1\):[\s\S]*Nightshift gave up after 1 attempts/);
    // The summary is written for people: a duration, not "0s" or "now", and no raw JSON.
    const summary = (await pipeline.board.getTicket(key))!.comments[0]!.body;
    expect(summary).toMatch(new RegExp(`attempt 1 · cheap-model · task_failed · ${DURATION}:`));
    expect(summary).not.toMatch(/"type":|\bnow\b|· 0s/);

    // A human moves it back without giving attempts: it returns to Needs Human and says why, on the ticket and in events.
    expect((await cli('board', 'move', key, 'Agent Queue')).code).toBe(0);
    await waitFor(
      'the ticket back in Needs Human with a comment',
      async () =>
        (await pipeline.board.getTicket(key))!.comments.length === 2 && (await stateOf(key)) === 'Needs Human',
      30_000,
      100,
    );
    expect((await pipeline.board.getTicket(key))!.comments[1]!.body).toMatch(
      new RegExp(`spent all 1 of its attempts.*nightshift retry ${key} --reset-attempts`),
    );
    const bounced = (await pipeline.events.read()).filter((e) => e.type === 'ticket.moved' && e.ticket === key).at(-1)!;
    expect(bounced.detail).toMatchObject({
      to: 'Needs Human',
      why: expect.stringMatching(/attempt budget spent \(1\/1\)/),
    });

    const refused = await cli('retry', key);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(`has spent its 1 attempts: \`nightshift retry ${key} --reset-attempts\``),
    );

    // The human fixes the ticket, then retries it; an infrastructure-failure streak it had starts over too.
    await pipeline.board.edit(key, { description: 'now it can be done' });
    await pipeline.counters.recordInfraError(key, 'an earlier setup');
    const retried = await cli('retry', key, '--reset-attempts', '--by', 'dana', '--reason', 'fixed the description');
    expect(retried.code).toBe(0);
    expect(await pipeline.counters.infraStreak(key)).toBeNull();
    await waitFor('the ticket In Review', async () => (await stateOf(key)) === 'In Review', 60_000, 100);
    expect((await pipeline.forge.listPrs()).map((p) => p.tickets)).toEqual([[key]]);
    expect((await pipeline.board.getTicket(key))!.comments.map((c) => c.body).join('\n')).toMatch(
      /Retried by dana with `nightshift retry`: fixed the description\.[\s\S]*its attempts start over \(1 were spent\)/,
    );

    expect((await cli('ticket', key)).stdout).toMatch(/^PR: \S+ \(open\)$/m);
    // A finished run's transcript, by ticket (its latest run) or by run id.
    const latest = await cli('logs', key);
    expect(latest.stdout).toMatch(
      new RegExp(`^== run ${key}\\.2 [\\s\\S]*^agent: Made the change for ${key}\\.$[\\s\\S]*^== ended: success`, 'm'),
    );
    const first = await cli('logs', `${key}.1`);
    expect(first.stdout).toMatch(/^agent: Execution failed: the test suite could not be started\.$/m);
    expect(first.stdout).toMatch(/^== ended: task_failed \(failed during execution/m);
    expect((await cli('logs', 'NS-404')).stderr).toMatch(/no run of NS-404: give a ticket key or a run id/);

    const runs = await cli('runs', '--ticket', key);
    expect(runs.stdout).toMatch(
      /STARTED\s+TICKET\s+REPO\s+HOST\s+AGENT\s+MODEL\s+ATTEMPT\s+OUTCOME\s+DURATION\s+TOKENS\s+COST\s+DENIED\s+PR\s+REASON/,
    );
    expect(runs.stdout.match(new RegExp(`^\\d{4}-\\d\\d-\\d\\d [\\d:]+\\s+${key}\\s`, 'gm'))).toHaveLength(2);
    expect(runs.stdout).toMatch(/task_failed.*failed/);
    expect(runs.stdout).toMatch(
      new RegExp(`Total: 2 runs \\(1 succeeded\\), .*, \\d+ tokens, \\$\\d+\\.\\d{4} \\(ticket ${key}\\)`),
    );
    const byTicket = await cli('runs', '--by', 'ticket', '--since', '1h');
    expect(byTicket.stdout).toMatch(new RegExp(`^${key}\\s+2\\s+1\\s+`, 'm'));
    expect((await cli('runs', '--ticket', 'NS-999')).stdout).toBe('No runs (ticket NS-999).\n');
  });

  it('logs --follow prints a running session as it goes; status shows the session and its last action', async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'] });
    const gate = path.join(pipeline.dir, 'gate');
    const key = (await pipeline.board.add({ title: '[alpha] watch me', description: `fake-agent: gate=${gate}` })).key;
    pipeline.startAll();
    const lines: string[] = [];
    follower = spawn(process.execPath, [CLI, '--config', pipeline.configFile, 'logs', key, '--follow'], {
      env: { ...process.env, REDIS_URL: pipeline.redisUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    follower.stdout!.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const exited = new Promise<number | null>((resolve) => follower!.once('exit', resolve));
    await waitFor(
      'the session start in the followed log',
      () => lines.some((l) => l.startsWith('session started')),
      30_000,
      50,
    );
    expect(lines[0]).toMatch(new RegExp(`^== run ${key}\\.1 · ${key} · alpha · linux-1 · cheap-model`));

    const status = await cli('status');
    expect(status.stdout).toMatch(/TICKET\s+HOST\s+AGENT\/MODEL\s+ELAPSED\s+LAST ACTION\s+RUN/);
    expect(status.stdout).toMatch(
      new RegExp(
        `^${key}\\s+linux-1\\s+claude-code/cheap-model\\s+${DURATION}\\s+session started: model cheap-model`,
        'm',
      ),
    );

    writeFileSync(gate, '');
    expect(await exited).toBe(0);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^session started: model cheap-model, in .*alpha/),
      expect.stringMatching(/^agent: Editing nightshift-changes\//),
      expect.stringMatching(/^→ Write\(nightshift-changes\//),
      `agent: Made the change for ${key}.`,
      expect.stringMatching(/^session ended: success, \d+ turns, .*\$\d+\.\d{4}$/),
      `agent: Made the change for ${key}.`,
      // The run's end, not the agent's: its PR is there (the agent's own verdict is saved first, settling).
      expect.stringMatching(/^== ended: success · local:\/\/alpha\/pull\/1 /),
    ]);
  });

  it('a runner whose agent command is missing is listed by status with the reason', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: { agent: { command: '/nonexistent/claude', model: 'cheap-model' } },
    });
    pipeline.spawn('worktree-manager');
    pipeline.spawn('session-runner');
    const status = await waitFor(
      'status listing linux-1 as idle',
      async () => {
        const out = (await cli('status')).stdout;
        return /^linux-1\s+IDLE/m.test(out) ? out : undefined;
      },
      30_000,
      200,
    );
    expect(status).toMatch(
      /^linux-1\s+IDLE\s.*agent command "\/nonexistent\/claude" not found or not executable: install the agent CLI or set agent\.command/m,
    );
  });

  it("up --readable prints one line per transition of each ticket, not the services' info logs", async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'] });
    const config = JSON.parse(readFileSync(pipeline.configFile, 'utf8')) as Record<string, unknown>;
    const services = ['ticket-scanner', 'router', 'worktree-manager', 'session-runner', 'zombie-reaper'];
    const more = ['memory-consolidator', 'metrics-exporter'];
    const ports = Object.fromEntries(await Promise.all([...services, ...more].map(async (s) => [s, await freePort()])));
    writeFileSync(pipeline.configFile, JSON.stringify({ ...config, http: { ports } }, null, 2));
    up = new UpProcess(pipeline.configFile, { FAKE_CLAUDE_ARGV_LOG: pipeline.argvLog }, ['--readable']);
    await waitFor('up following transitions', () => up!.output.includes('one line per transition'), 30_000, 100);
    const key = (await pipeline.board.add({ title: '[alpha] readable' })).key;
    await waitFor(
      "the move to In Review in up's output",
      () => new RegExp(`^\\d\\d:\\d\\d:\\d\\d  ${key}\\s+→ In Review`, 'm').test(up!.output),
      60_000,
      100,
    );
    const lines = up.output.split('\n').filter((l) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d  ${key} `).test(l));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/routed \(by prefix\)/),
        expect.stringMatching(/Agent Queue → In Progress/),
        expect.stringMatching(/agent started: cheap-model, attempt 1/),
        expect.stringMatching(/agent ended: success/),
        expect.stringMatching(/PR opened: /),
      ]),
    );
    // The services' info lines (JSON) are not shown; nothing on the terminal is raw JSON.
    expect(up.output).not.toMatch(/"level":30/);
    expect(up.output.split('\n').filter((l) => /^\[[\w@-]+\] \{/.test(l))).toEqual([]);
  });
});
