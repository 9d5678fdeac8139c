import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { JOB, type SessionJob, sessionJobId, sessionQueueName } from '@nightshift/contracts';
import { Queue } from 'bullmq';

import { Pipeline, REPO_ROOT, waitFor } from './harness';
import { E2E_SECRETS, RemoteFakes } from './remote-fakes';

const CLI = path.join(REPO_ROOT, 'apps/cli/dist/main.js');
const RED = '\u001b[31m';
const OSC52 = '\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007';
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const BOT = { name: 'Night Bot', email: 'night-bot@example.com' };
const SUMMARY = 'Rewrote the importer to stream rows instead of loading the file.';

/** A host whose global git config names a person: Nightshift's commits must not use it. */
function globalIdentity(dir: string): string {
  const file = path.join(dir, 'gitconfig');
  writeFileSync(file, '[user]\n\tname = Jane Person\n\temail = jane@example.com\n');
  return file;
}

/**
 * A follow-up session on the ticket's branch, as the router would dispatch it (a human sent the
 * ticket back), once the first run has let go of the ticket's claim.
 */
async function followUp(
  pipeline: Pipeline,
  firstRun: string,
  job: Omit<SessionJob, 'capability' | 'routedAt'>,
): Promise<void> {
  await waitFor(
    `${firstRun} to release its claim`,
    async () => (await pipeline.events.read()).some((e) => e.type === 'claim.released' && e.run === firstRun),
    60_000,
    200,
  );
  const queue = new Queue(sessionQueueName('linux'), { connection: { url: pipeline.redisUrl } });
  await queue.add(
    JOB.session,
    { ...job, capability: 'linux', routedAt: new Date().toISOString() },
    { jobId: sessionJobId(job.runId) },
  );
  await queue.close();
}

function lastCommit(
  remote: string,
  branch: string,
): { author: string; committer: string; subject: string; body: string } {
  const out = execFileSync('git', ['log', '-1', '--format=%an <%ae>%x00%cn <%ce>%x00%s%x00%b', branch], {
    cwd: remote,
    encoding: 'utf8',
  });
  const [author, committer, subject, body] = out.split('\0');
  return { author: author!, committer: committer!, subject: subject!, body: body! };
}

jest.setTimeout(300_000);

describe('a pull request a reviewer can read', () => {
  let pipeline: Pipeline;
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'ns-pr-'));
  });
  afterEach(async () => {
    await pipeline?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('local forge: escaped in the CLI, one-line capped title and subject, bot identity, a body with link, summary, diffstat and cost, updated by a second session', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: { forge: { kind: 'local', commitAuthor: BOT } },
      env: { GIT_CONFIG_GLOBAL: globalIdentity(scratch) },
    });
    const title = `[alpha] ${RED}red\u001b[0m importer ${OSC52}fix\nsecond line ${'x'.repeat(500)}`;
    const ticket = await pipeline.board.add({ title, description: `fake-agent-says: ${SUMMARY}` });
    const stray = await pipeline.board.add({ title: `[${RED}nowhere] ${OSC52} unroutable` });
    pipeline.startAll();
    await waitFor(
      'the ticket In Review',
      async () => (await pipeline.board.getTicket(ticket.key))?.state === 'In Review',
      60_000,
      200,
    );
    await waitFor(
      'the stray ticket skipped',
      async () => (await pipeline.events.read()).some((e) => e.type === 'ticket.skipped' && e.ticket === stray.key),
      30_000,
      200,
    );

    // The CLI shows the escape sequences as text; the terminal never receives them.
    const env = { ...process.env, REDIS_URL: pipeline.redisUrl };
    const cli = async (...args: string[]) =>
      (
        await promisify(execFile)(process.execPath, [CLI, '--config', pipeline.configFile, ...args], {
          env,
          maxBuffer: 16 * 1024 * 1024,
        })
      ).stdout;
    const board = await cli('board', 'list');
    expect(board).toContain('\\e[31mred\\e[0m importer \\e]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07fix\\nsecond line');
    const events = await cli('events');
    expect(events).toContain('title prefix [\\e[31mnowhere] names no configured repo');
    // `runs` prints no ticket text of its own (keys, repo, host, model, numbers): a record carrying escape
    // sequences in the fields it does print shows that its table escapes them too.
    await pipeline.runs.save({
      runId: 'NS-900.1',
      tickets: ['NS-900'],
      repo: 'alpha',
      host: `${RED}host`,
      model: `${OSC52}model`,
      attempt: 1,
      startedAt: new Date().toISOString(),
    });
    const runs = await cli('runs');
    expect(runs).toContain(ticket.key);
    expect(runs).toContain('\\e[31mhost');
    expect(runs).toContain('\\e]52;c;');
    for (const out of [board, events, runs]) expect(out.replace(/\n/g, '')).not.toMatch(CONTROL);

    // PR title and commit subject: one line, capped, no control characters.
    const [pr] = await pipeline.forge.listPrs();
    expect(pr!.title).toMatch(new RegExp(`^${ticket.key}: \\[alpha\\] red importer fix second line x+…$`));
    expect([...pr!.title].length).toBeLessThanOrEqual(120);
    expect(pr!.title).not.toMatch(CONTROL);
    const remote = path.join(pipeline.dir, 'remotes/alpha.git');
    const commit = lastCommit(remote, pr!.head);
    expect(commit.subject).toMatch(new RegExp(`^${ticket.key}: \\[alpha\\] red importer fix second line x+…$`));
    expect([...commit.subject].length).toBeLessThanOrEqual(72);
    expect(commit.subject).not.toMatch(CONTROL);
    // The configured bot, not the host's global identity.
    expect(commit.author).toBe(`${BOT.name} <${BOT.email}>`);
    expect(commit.committer).toBe(`${BOT.name} <${BOT.email}>`);
    expect(commit.body).toContain(SUMMARY);
    expect(commit.body).toContain(`Nightshift-Run: ${ticket.key}.1`);

    // The body: the ticket link, the agent's summary, the diffstat, model/attempt/cost, the run.
    const firstRun = (await pipeline.runs.list()).find((r) => r.runId === `${ticket.key}.1`)!;
    expect(pr!.body).toContain(`Ticket ${ticket.key}: ${ticket.url}`);
    expect(pr!.body).toContain(SUMMARY);
    expect(pr!.body).toMatch(new RegExp(`nightshift-changes/${ticket.key}\\.md \\| +\\d+ \\+`));
    expect(pr!.body).toMatch(/1 file changed/);
    expect(pr!.body).toContain(`| cheap-model | 1 | `);
    expect(pr!.body).toContain(`$${firstRun.costUsd!.toFixed(4)}`);
    expect(pr!.body).toContain(`${ticket.key}.1`);
    const shown = await cli('prs', '--show', String(pr!.number));
    expect(shown).toContain(SUMMARY);
    expect(shown).toContain('## Changes');
    expect(shown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);

    // A second session pushes to the same branch: the same PR, its body updated.
    await pipeline.board.moveTo(ticket.key, 'In Progress');
    await followUp(pipeline, `${ticket.key}.1`, {
      runId: `${ticket.key}.2`,
      repo: 'alpha',
      branch: pr!.head,
      tickets: [ticket.key],
      model: 'strong-model',
      attempt: 2,
    });
    await waitFor(
      'the PR body updated',
      async () => (await pipeline.events.read()).some((e) => e.type === 'pr.updated' && e.run === `${ticket.key}.2`),
      60_000,
      200,
    );
    const prs = await pipeline.forge.listPrs();
    expect(prs).toHaveLength(1);
    expect(prs[0]!.body).toContain('| strong-model | 2 | ');
    expect(prs[0]!.body).toContain(`${ticket.key}.1, ${ticket.key}.2`);
    expect(lastCommit(remote, pr!.head).body).toContain(`Nightshift-Run: ${ticket.key}.2`);
  });

  describe('GitHub Issues and GitHub pull requests (fakes)', () => {
    const fakes = new RemoteFakes(['alpha']);
    beforeAll(() => fakes.start());
    afterAll(() => fakes.stop());

    it('the PR closes the issue with "Fixes owner/repo#N", carries summary, diffstat, model/attempt/cost, and a second session updates its body', async () => {
      const tracker = {
        kind: 'github',
        scanIntervalSec: 2,
        baseUrl: fakes.github.baseUrl,
        repos: [{ repo: 'acme/alpha', keyPrefix: 'GH' }],
        writeIntervalMs: 20,
        retryBaseMs: 100,
      };
      pipeline = await Pipeline.start({
        repos: ['alpha'],
        config: fakes.config({}, { commitAuthor: BOT }),
        env: { ...E2E_SECRETS, GIT_CONFIG_GLOBAL: globalIdentity(scratch) },
      });
      // RemoteFakes points the tracker at Linear; this case reads tickets from GitHub Issues instead.
      const config = JSON.parse(readFileSync(pipeline.configFile, 'utf8')) as Record<string, unknown>;
      writeFileSync(pipeline.configFile, JSON.stringify({ ...config, tracker }, null, 2));
      fakes.useRemotes(pipeline.dir);
      const number = fakes.github.createIssue('acme/alpha', {
        title: '[alpha] stream the importer',
        body: `fake-agent-says: ${SUMMARY}`,
        labels: ['agent-queue'],
      });
      const key = `GH-${number}`;
      pipeline.startAll();

      await waitFor(
        'one open PR',
        async () => fakes.github.pulls().filter((p) => p.state === 'open').length === 1,
        150_000,
        200,
      );
      await waitFor(
        'the issue in review',
        async () => fakes.github.issue('acme/alpha', number).labels.includes('agent-review'),
        30_000,
        200,
      );
      const pr = fakes.github.pulls()[0]!;
      expect(pr.title).toBe(`${key}: [alpha] stream the importer`);
      expect(pr.body).toContain(`Fixes acme/alpha#${number}`);
      expect(pr.body).toContain(SUMMARY);
      expect(pr.body).toMatch(new RegExp(`nightshift-changes/${key}\\.md \\| +\\d+ \\+`));
      expect(pr.body).toContain('| cheap-model | 1 | ');
      expect(pr.body).toMatch(/\| \$\d+\.\d{4} \|/);
      expect(pr.body).toContain(`${key}.1`);
      expect(lastCommit(path.join(pipeline.dir, 'remotes/alpha.git'), pr.head).author).toBe(
        `${BOT.name} <${BOT.email}>`,
      );

      fakes.github.editIssue('acme/alpha', number, { labels: ['agent-working'] });
      await followUp(pipeline, `${key}.1`, {
        runId: `${key}.2`,
        repo: 'alpha',
        branch: pr.head,
        tickets: [key],
        model: 'strong-model',
        attempt: 2,
      });
      await waitFor(
        'the PR body updated',
        async () => fakes.github.pulls()[0]!.body.includes(`${key}.1, ${key}.2`),
        60_000,
        200,
      );
      expect(fakes.github.pulls()).toHaveLength(1);
      expect(fakes.github.pulls()[0]!.body).toContain('| strong-model | 2 | ');
      expect(fakes.github.pulls()[0]!.body).toContain(`Fixes acme/alpha#${number}`);
    });
  });
});
