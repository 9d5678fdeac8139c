import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { Pipeline, waitFor } from './harness';

// Committed to every remote: `fixable` fails, printing what would fix it, until the agent has made
// that file (the fake agent does so only when the failing output is in its prompt); `broken` never passes.
const FILES = {
  'checks/fixable.js': `const fs = require('fs');
if (fs.existsSync('nightshift-fixes/ok')) { console.log('all 12 tests pass'); process.exit(0); }
console.log('1 of 12 tests failed: missing fix'); console.log('FIX: create ok'); process.exit(1);
`,
  'checks/broken.js': `console.log('lint: 3 problems'); console.error('token in env: ' + process.env.GITHUB_TOKEN); process.exit(2);\n`,
};
const SECRET = 'ghp_checkOutputLeak1234567890';

describe('the test gate before the PR', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());

  it('repairs a failing check on the same branch (one PR after one round); a check that never passes gives a draft PR labelled checks-failing and no more sessions', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha', 'beta'],
      files: FILES,
      env: { GITHUB_TOKEN: SECRET },
      config: {
        repos: [
          {
            name: 'alpha',
            remote: './remotes/alpha.git',
            labels: ['alpha-label'],
            checks: [{ name: 'unit', argv: [process.execPath, 'checks/fixable.js'], timeoutSec: 60 }],
          },
          {
            name: 'beta',
            remote: './remotes/beta.git',
            labels: ['beta-label'],
            repairAttempts: 2,
            checks: [{ name: 'lint', argv: [process.execPath, 'checks/broken.js'], timeoutSec: 60 }],
          },
        ],
      },
    });
    const fixable = await pipeline.board.add({ title: 'fix the parser', labels: ['alpha-label'] });
    const broken = await pipeline.board.add({ title: 'tidy the lint', labels: ['beta-label'] });
    pipeline.startAll();

    const released = async (key: string) =>
      (await pipeline.events.read()).some((e) => e.type === 'claim.released' && e.ticket === key);
    await waitFor(
      'both sessions over',
      async () => (await released(fixable.key)) && (await released(broken.key)),
      120_000,
      200,
    );
    const prs = await pipeline.forge.listPrs();
    expect(prs).toHaveLength(2);
    const events = await pipeline.events.read();
    const launchesIn = (repo: string) =>
      pipeline.agentLaunches().filter((l) => l.cwd.includes(`${path.sep}${repo}${path.sep}`));

    // alpha: the check failed once, one repair round with its output, then it passed: a ready PR.
    const alphaPr = prs.find((p) => p.repo === 'alpha')!;
    expect(alphaPr).toMatchObject({ tickets: [fixable.key], state: 'open' });
    expect(alphaPr.draft).toBeUndefined();
    expect(alphaPr.labels).toEqual(['nightshift']); // the repo's PR labels (default)
    expect(launchesIn('alpha')).toHaveLength(2);
    const alphaChecks = events
      .filter((e) => e.type === 'check.finished' && e.ticket === fixable.key)
      .map((e) => [e.detail?.['name'], e.detail?.['outcome'], e.detail?.['round']]);
    expect(alphaChecks).toEqual([
      ['unit', 'failed', 0],
      ['unit', 'passed', 1],
    ]);
    expect(events.filter((e) => e.type === 'repair.started' && e.ticket === fixable.key)).toHaveLength(1);
    expect(events.find((e) => e.type === 'check.finished')!.detail?.['durationMs']).toEqual(expect.any(Number));
    // The fix the agent made after reading the output is on the PR branch.
    const remote = path.join(pipeline.dir, 'remotes', 'alpha.git');
    expect(
      execFileSync('git', ['--git-dir', remote, 'ls-tree', '-r', '--name-only', alphaPr.head], { encoding: 'utf8' }),
    ).toContain('nightshift-fixes/ok');
    expect((await pipeline.board.getTicket(fixable.key))!.state).toBe('In Review');

    // beta: two repair rounds, still failing: a draft PR labelled checks-failing, the (redacted) output in its body.
    const betaPr = prs.find((p) => p.repo === 'beta')!;
    expect(betaPr).toMatchObject({ tickets: [broken.key], draft: true, labels: ['nightshift', 'checks-failing'] });
    expect(betaPr.body).toContain('lint: 3 problems');
    expect(betaPr.body).not.toContain(SECRET);
    expect(launchesIn('beta')).toHaveLength(3);
    const betaChecks = events
      .filter((e) => e.type === 'check.finished' && e.ticket === broken.key)
      .map((e) => e.detail?.['outcome']);
    expect(betaChecks).toEqual(['failed', 'failed', 'failed']);
    const ticket = (await pipeline.board.getTicket(broken.key))!;
    expect(ticket.state).toBe('In Review');
    expect(ticket.comments.at(-1)!.body).toContain('as a draft: its checks still fail');
    expect(JSON.stringify(events)).not.toContain(SECRET);
    // The repair prompts quoted the output, redacted.
    const received = pipeline.receivedPrompts();
    const repairPrompts = received
      .filter((p) => p.cwd.includes(`${path.sep}beta${path.sep}`))
      .slice(1)
      .map((p) => p.prompt);
    expect(repairPrompts).toHaveLength(2);
    for (const prompt of repairPrompts) expect(prompt).toContain('lint: 3 problems');
    expect(JSON.stringify(pipeline.agentLaunches())).not.toContain(SECRET);
    expect(JSON.stringify(received)).not.toContain(SECRET);
  });

  it('with onChecksFailing: needs-human, checks that never pass send the ticket to a human with the output and open no PR', async () => {
    pipeline = await Pipeline.start({
      repos: ['beta'],
      files: FILES,
      config: {
        repos: [
          {
            name: 'beta',
            remote: './remotes/beta.git',
            labels: ['beta-label'],
            repairAttempts: 1,
            onChecksFailing: 'needs-human',
            checks: [{ name: 'lint', argv: [process.execPath, 'checks/broken.js'] }],
          },
        ],
        routing: { maxAttempts: 3, retryDelaySec: 1 },
      },
    });
    const broken = await pipeline.board.add({ title: 'tidy the lint', labels: ['beta-label'] });
    pipeline.startAll();
    await waitFor(
      'the ticket with a human',
      async () => (await pipeline.board.getTicket(broken.key))?.state === 'Needs Human',
      120_000,
      200,
    );
    const note = (await pipeline.board.getTicket(broken.key))!.comments.at(-1)!.body;
    expect(note).toContain('Checks still failing after 1 repair round: `lint`');
    expect(note).toContain('lint: 3 problems');
    expect(await pipeline.forge.listPrs()).toEqual([]);
    expect(pipeline.agentLaunches()).toHaveLength(2);
  });
});
