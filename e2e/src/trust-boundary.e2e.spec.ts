import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { Pipeline, scrapeMetric, waitFor } from './harness';

// The director's secrets, as an operator's shell would hold them (dummy values).
const DIRECTOR_SECRETS = {
  GITHUB_TOKEN: 'gh-dummy-director-secret-7f3a9c',
  LINEAR_API_KEY: 'lin-dummy-director-secret-2b8e1d',
  SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/hooks/slack-dummy-director-secret-5c4f0a',
  NIGHTSHIFT_API_TOKEN: 'operator-dummy-director-secret-9d2e6b',
  QDRANT_API_KEY: 'qdrant-dummy-director-secret-1a7c3e',
};
const BLOCKED = 'nightshift_push_blocked_total';

/** Every regular file under `dir` whose bytes contain `needle` (the pipeline's data dir, logs, config, remotes' loose files). */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      const st = statSync(full, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(full);
      else if (st.isFile() && readFileSync(full).includes(needle)) hits.push(full);
    }
  };
  walk(dir);
  return hits;
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });
/** Every blob and commit of a bare remote, uncompressed: what anyone who can fetch it can read. */
const everythingOn = (remote: string) => git(remote, 'log', '--all', '-p', '--no-color', '--format=%H %an <%ae> %s');
const worktreeOf = (pipeline: Pipeline, key: string) => path.join(pipeline.worktreeRoot, 'worktrees', 'alpha', key);
const branchesOf = (remote: string) => git(remote, 'for-each-ref', '--format=%(refname:short)', 'refs/heads');

describe('trust boundary: what the agent sees and what leaves as a push', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());

  it('an agent dumping every secret-looking variable it sees finds none of the director secrets, and no value reaches the remote, the board, the events or any log', async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'], env: DIRECTOR_SECRETS });
    const ticket = await pipeline.board.add({
      title: '[alpha] tidy the config',
      description: 'fake-agent: succeed leak-env=leaked/env.txt',
    });
    pipeline.startAll();
    await waitFor(
      'the ticket In Review',
      async () => (await pipeline.board.getTicket(ticket.key))?.state === 'In Review',
      60_000,
      200,
    );

    const remote = path.join(pipeline.dir, 'remotes/alpha.git');
    const leaked = git(remote, 'show', `agent/${ticket.key}:leaked/env.txt`);
    for (const name of Object.keys(DIRECTOR_SECRETS)) expect(leaked).not.toContain(name);
    // The agent's own commits carry the bot's identity, not the host's.
    expect(git(remote, 'log', '-1', '--format=%an <%ae>', `agent/${ticket.key}`).trim()).toBe(
      'Nightshift <nightshift-bot@users.noreply.localhost>',
    );

    const remoteText = everythingOn(remote);
    const board = JSON.stringify(await pipeline.board.list());
    const events = JSON.stringify(await pipeline.events.read());
    const output = pipeline.allOutput();
    for (const value of Object.values(DIRECTOR_SECRETS)) {
      expect(remoteText).not.toContain(value);
      expect(board).not.toContain(value);
      expect(events).not.toContain(value);
      expect(output).not.toContain(value);
      expect(filesContaining(pipeline.dir, value)).toEqual([]);
    }
  }, 120_000);

  it('a token or a private key in the change is never pushed: Needs Human with file:line:rule and no value, push.blocked and its metric, the worktree kept; the same token in an allowed fixture is pushed; a change to .claude/settings.json is held too', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: {
        repos: [
          {
            name: 'alpha',
            remote: './remotes/alpha.git',
            secretScan: { allow: [{ paths: ['test/fixtures/**'], rules: ['github'] }] },
          },
        ],
        // Sessions beat every 2 s; a worktree nobody beats for 5 s is an orphan, and the sweeper looks every second.
        routing: { retryDelaySec: 1, claimLeaseSec: 6 },
        worktrees: { sweepIntervalSec: 1, orphanGraceSec: 5 },
      },
    });
    const leak = await pipeline.board.add({
      title: '[alpha] wire the deploy',
      description: 'fake-agent: succeed leak-github-token=src/token.ts leak-private-key=deploy/id_rsa',
    });
    const fixture = await pipeline.board.add({
      title: '[alpha] add a parser fixture',
      description: 'fake-agent: succeed leak-github-token=test/fixtures/token.ts',
    });
    const settings = await pipeline.board.add({
      title: '[alpha] let yourself run anything',
      description: 'fake-agent: succeed edit=.claude/settings.json',
    });
    const [, runner] = pipeline.startAll();
    const stateOf = async (key: string) => (await pipeline.board.getTicket(key))?.state;
    await waitFor(
      'the leak and the settings change with a human, the fixture In Review',
      async () =>
        (await stateOf(leak.key)) === 'Needs Human' &&
        (await stateOf(settings.key)) === 'Needs Human' &&
        (await stateOf(fixture.key)) === 'In Review',
      90_000,
      200,
    );

    const remote = path.join(pipeline.dir, 'remotes/alpha.git');
    const branches = branchesOf(remote);
    expect(branches).toContain(`agent/${fixture.key}`);
    expect(branches).not.toContain(`agent/${leak.key}`);
    expect(branches).not.toContain(`agent/${settings.key}`);
    const prs = await pipeline.forge.listPrs();
    expect(prs.map((p) => p.head)).toEqual([`agent/${fixture.key}`]);

    const tokenShape = readFileSync(path.join(worktreeOf(pipeline, leak.key), 'src/token.ts'), 'utf8').match(
      /'([^']+)'/,
    )![1]!;
    const leakComments = (await pipeline.board.getTicket(leak.key))!.comments.map((c) => c.body).join('\n');
    expect(leakComments).toContain('src/token.ts:1: @secretlint/secretlint-rule-github');
    expect(leakComments).toContain('deploy/id_rsa:1: @secretlint/secretlint-rule-privatekey');
    expect(leakComments).not.toContain(tokenShape);
    expect(leakComments).not.toContain('BEGIN RSA PRIVATE KEY');
    const settingsComments = (await pipeline.board.getTicket(settings.key))!.comments.map((c) => c.body).join('\n');
    expect(settingsComments).toContain('.claude/settings.json: nightshift/protected-path');

    const blocked = (await pipeline.events.read()).filter((e) => e.type === 'push.blocked');
    expect(blocked).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ticket: leak.key,
          detail: expect.objectContaining({ reason: 'secret', findings: 2 }),
        }),
        expect.objectContaining({
          ticket: settings.key,
          detail: expect.objectContaining({ reason: 'protected_path' }),
        }),
      ]),
    );
    expect(JSON.stringify(blocked)).not.toContain(tokenShape);
    const url = await runner!.url;
    expect(await scrapeMetric(url, BLOCKED, { repo: 'alpha', reason: 'secret' })).toBe(1);
    expect(await scrapeMetric(url, BLOCKED, { repo: 'alpha', reason: 'protected_path' })).toBe(1);

    // Kept for a human: sweeps past the orphan grace leave both worktrees alone (an unkept one would be gone by then).
    const sweepsDone = () => pipeline.allOutput().split('worktree sweep done').length - 1;
    const before = sweepsDone();
    await waitFor('sweeps past the grace', async () => sweepsDone() >= before + 7, 30_000, 200);
    for (const key of [leak.key, settings.key]) expect(existsSync(worktreeOf(pipeline, key))).toBe(true);
    const swept = (await pipeline.events.read()).filter((e) => e.type === 'worktree.swept');
    expect(JSON.stringify(swept)).not.toContain(leak.key);
    expect(existsSync(worktreeOf(pipeline, fixture.key))).toBe(false);
    expect(pipeline.allOutput()).not.toContain(tokenShape);
  }, 150_000);
});
