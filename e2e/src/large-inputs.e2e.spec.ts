import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { FAKE_AGENT, Pipeline, waitFor } from './harness';

const KB = 1024;

// Several bounded waits in a row (runner up, retries with growing delays, scans): more than the 2-minute default under load.
jest.setTimeout(300_000);

/** Issue 16: inputs of any size, and an agent command that breaks while the runner is up. */
describe('inputs of any size, failures named and bounded', () => {
  let pipeline: Pipeline;
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'ns-inputs-'));
  });
  afterEach(async () => {
    await pipeline?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('a 1 MB description, 300 KB of comments and a 100 KB CLAUDE.md → one PR; the agent got a prompt within budget, on stdin, with truncation markers', async () => {
    const prompts = path.join(scratch, 'prompts');
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      files: {
        'CLAUDE.md': `# Rules\n${'Always write tests for the importer.\n'.repeat(Math.ceil((100 * KB) / 36))}RULES-END\n`,
      },
      config: { agent: { maxPromptTokens: 60_000 } },
      env: { FAKE_CLAUDE_PROMPT_LOG: prompts },
    });
    // Built off the queue, then queued, so the first scan sees it whole.
    const ticket = await pipeline.board.add({
      title: '[alpha] importer chokes on big files',
      description: `A pasted log:\n${'2026-11-30T23:59:59Z ERROR importer: row 1234 rejected\n'.repeat(Math.ceil((1024 * KB) / 52))}DESCRIPTION-END`,
      state: 'Backlog',
    });
    for (let i = 0; i < 30; i++)
      await pipeline.board.comment(
        ticket.key,
        `comment-${String(i).padStart(2, '0')} ${'more context '.repeat(Math.ceil((10 * KB) / 13))}`,
      );
    await pipeline.board.moveTo(ticket.key, 'Agent Queue');
    pipeline.startAll();

    await waitFor(
      'the ticket In Review',
      async () => (await pipeline.board.getTicket(ticket.key))?.state === 'In Review',
      90_000,
      200,
    );
    const prs = await pipeline.forge.listPrs();
    expect(prs).toHaveLength(1);
    expect(prs[0]!.tickets).toEqual([ticket.key]);

    const received = readdirSync(prompts).map(
      (f) => JSON.parse(readFileSync(path.join(prompts, f), 'utf8')) as { via: string; bytes: number; prompt: string },
    );
    expect(received).toHaveLength(1);
    const { via, bytes, prompt } = received[0]!;
    expect(via).toBe('stdin');
    expect(bytes).toBeLessThanOrEqual(60_000 * 3);
    expect(prompt).toContain(`Ticket: ${ticket.key}`);
    expect(prompt).toMatch(new RegExp(`…truncated \\d+ KB; full text at ${ticket.url.replace(/[/.]/g, '\\$&')}`));
    expect(prompt).toMatch(/…truncated \d+ KB; full text in CLAUDE\.md in the repository/);
    expect(prompt).not.toContain('DESCRIPTION-END');
    expect(prompt).not.toContain('RULES-END');
    expect(prompt).toContain('comment-29'); // the newest comment is kept
    expect(prompt).not.toContain('comment-00'); // the oldest is what was cut
    // The argv never carried the prompt.
    expect(pipeline.agentLaunches()[0]!.argv.join(' ')).not.toContain('importer chokes');

    const run = (await pipeline.runs.list()).find((r) => r.tickets.includes(ticket.key))!;
    expect(run.outcome).toBe('success');
    expect(run.prompt?.budgetTokens).toBe(60_000);
    expect(run.prompt!.estimatedTokens).toBeLessThanOrEqual(60_000);
    expect(run.prompt!.cuts.map((c) => c.part).sort()).toEqual(['comments', 'description', 'rules']);
  });

  it('an agent command that stops being executable: EACCES named, not "not found"; after maxInfraRetries a Needs Human comment; moved back by a human, it tries again (and says so again when it gives up), and succeeds once the install is fixed', async () => {
    // An installed CLI of our own: a launcher script that the test can make non-executable.
    const agent = path.join(scratch, 'claude');
    writeFileSync(agent, `#!/bin/sh\nexec "${process.execPath}" "${FAKE_AGENT}" "$@"\n`);
    chmodSync(agent, 0o755);
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: {
        agent: { command: agent, authCheck: { enabled: false } },
        routing: { retryDelaySec: 0.2, maxInfraRetries: 3 },
      },
    });
    const [, runner] = pipeline.startAll();
    await waitFor(
      'the runner taking sessions',
      async () => runner!.output.some((l) => l.includes('taking sessions')),
      90_000,
    );
    chmodSync(agent, 0o644); // someone breaks the install while Nightshift runs
    const ticket = await pipeline.board.add({ title: '[alpha] anything' });

    await waitFor(
      'the ticket with a human',
      async () => (await pipeline.board.getTicket(ticket.key))?.state === 'Needs Human',
      60_000,
      200,
    );
    const failed = (await pipeline.runs.list()).filter((r) => r.tickets.includes(ticket.key));
    expect(failed).toHaveLength(3);
    for (const run of failed) {
      expect(run.outcome).toBe('infra_error');
      expect(run.reason).toContain('permission denied (EACCES)');
      expect(run.reason).not.toMatch(/not found/);
    }
    const comments = (await pipeline.board.getTicket(ticket.key))!.comments;
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('stopped retrying after 3 infrastructure failures in a row');
    expect(comments[0]!.body).toContain('permission denied (EACCES)');
    expect(await pipeline.counters.attemptsSpent(ticket.key)).toBe(0);

    // A human puts it back without fixing anything: that means "try again", so three more failures, then a human.
    await pipeline.board.moveTo(ticket.key, 'Agent Queue');
    const runsOf = async () => (await pipeline.runs.list()).filter((r) => r.tickets.includes(ticket.key));
    await waitFor(
      'three more failures, then Needs Human again',
      async () =>
        (await runsOf()).filter((r) => r.outcome).length === 6 &&
        (await pipeline.board.getTicket(ticket.key))?.state === 'Needs Human',
      60_000,
      200,
    );
    expect(await pipeline.counters.attemptsSpent(ticket.key)).toBe(0);
    const notes = (await pipeline.board.getTicket(ticket.key))!.comments.filter((c) =>
      c.body.includes('stopped retrying after 3 infrastructure failures in a row'),
    );
    expect(notes).toHaveLength(2);

    // The fix is made outside Nightshift's view (chmod +x) and the ticket is moved back, unedited: it succeeds.
    chmodSync(agent, 0o755);
    await pipeline.board.moveTo(ticket.key, 'Agent Queue');
    await waitFor(
      'the ticket In Review',
      async () => (await pipeline.board.getTicket(ticket.key))?.state === 'In Review',
      60_000,
      200,
    );
    expect(await pipeline.counters.infraStreak(ticket.key)).toBeNull();
  });
});
