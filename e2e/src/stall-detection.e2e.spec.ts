import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import type { RunRecord } from '@nightshift/contracts';

import { Pipeline, REPO_ROOT, waitFor } from './harness';

/**
 * The stall watchdog tells a silent build from a hung agent, on the real services with the fake CLI:
 * short limits (stallTimeoutSec 2, checks every 0.5 s) so each case takes seconds.
 */
const SECRET = 'ghp_e2eStallSecretToken4242';
const STALL_MS = 2000;
const CHECK_MS = 500;
/** How late a 0.5 s interval timer fired on this 2-core machine shared with parallel builds (measured up to ~0.9 s). */
const LATE_MS = 1000;
const CLI = path.join(REPO_ROOT, 'apps/cli/dist/main.js');

/** Timestamps the fake CLI wrote in its transcript for the Bash call's tool_use and tool_result. */
function toolCallTimes(pipeline: Pipeline): { usedAt: number; resultAt?: number } {
  const projects = path.join(pipeline.dir, 'claude-main', 'projects');
  const file = readdirSync(projects).flatMap((d) =>
    readdirSync(path.join(projects, d)).map((f) => path.join(projects, d, f)),
  )[0]!;
  const records = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; timestamp: string; message?: { content?: unknown } });
  const has = (r: { message?: { content?: unknown } }, kind: string) =>
    JSON.stringify(r.message?.content ?? '').includes(`"type":"${kind}"`) &&
    JSON.stringify(r.message?.content).includes('toolu_fake_bash');
  const used = records.find((r) => r.type === 'assistant' && has(r, 'tool_use'))!;
  const result = records.find((r) => r.type === 'user' && has(r, 'tool_result'));
  return { usedAt: Date.parse(used.timestamp), resultAt: result ? Date.parse(result.timestamp) : undefined };
}

async function onlyRun(pipeline: Pipeline): Promise<RunRecord> {
  return waitFor('the run recorded with its outcome', async () =>
    (await pipeline.runs.list()).find((r) => r.outcome !== undefined),
  );
}

describe('stall detection: a silent build is not a hung agent', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());

  const start = (agent: Record<string, unknown>) =>
    Pipeline.start({
      repos: ['alpha'],
      config: {
        agent: { stallTimeoutSec: STALL_MS / 1000, accounts: [{ name: 'main', configDir: './claude-main' }], ...agent },
        routing: { maxAttempts: 1 },
      },
      env: { GITHUB_TOKEN: SECRET },
    });

  it('a Bash call silent past every limit while its command burns CPU is left to finish → success, no kill', async () => {
    // Nightshift's limits for this call (tool 1 s + 1 s margin, silence 2 s) all end long before the
    // 6 s command does: only the CPU its process group uses keeps it alive.
    pipeline = await start({ toolTimeoutMaxSec: 1, toolTimeoutMarginSec: 1 });
    const ticket = await pipeline.board.add({ title: '[alpha] slow suite', description: 'fake-agent: tool-burn=6000' });
    pipeline.startAll();
    await waitFor(
      'In Review',
      async () => (await pipeline.board.getTicket(ticket.key))?.state === 'In Review',
      90_000,
      100,
    );
    const run = await onlyRun(pipeline);
    expect(run.outcome).toBe('success');
    expect(run.stall).toBeUndefined();
    const { usedAt, resultAt } = toolCallTimes(pipeline);
    // The CLI printed nothing between the call and its result for longer than any limit + one check.
    expect(resultAt! - usedAt).toBeGreaterThan(STALL_MS + CHECK_MS);
    expect(readFileSync(run.logPath!, 'utf8')).not.toContain('nightshift_stall');
  });

  it('a Bash call that asked for a long timeout may stay silent and idle past stallTimeoutSec → success', async () => {
    pipeline = await start({ toolTimeoutMarginSec: 1 });
    const ticket = await pipeline.board.add({
      title: '[alpha] slow download',
      description: 'fake-agent: tool-idle=4000 tool-timeout=8000',
    });
    pipeline.startAll();
    await waitFor(
      'In Review',
      async () => (await pipeline.board.getTicket(ticket.key))?.state === 'In Review',
      90_000,
      100,
    );
    const run = await onlyRun(pipeline);
    expect(run.outcome).toBe('success');
    const { usedAt, resultAt } = toolCallTimes(pipeline);
    expect(resultAt! - usedAt).toBeGreaterThan(STALL_MS + CHECK_MS);
  });

  it('silent with no tool open and no CPU → stalled within stallTimeoutSec + one check, the reason recorded and shown', async () => {
    pipeline = await start({});
    const ticket = await pipeline.board.add({ title: '[alpha] goes quiet', description: 'fake-agent: hang' });
    pipeline.startAll();
    await waitFor(
      'Needs Human after the stall',
      async () => (await pipeline.board.getTicket(ticket.key))?.state === 'Needs Human',
      90_000,
      100,
    );
    const run = await onlyRun(pipeline);
    expect(run.outcome).toBe('stalled');
    expect(run.stall).toMatchObject({ cause: 'silence', lastSeen: 'assistant text: Looking at the code.' });
    expect(run.stall!.reason).toMatch(
      /^silence with no tool open \(2\.\d s; limit 2\.0 s\); no CPU used in the last \d\.\d s; CPU counted: the agent \(pid \d+\)$/,
    );
    // Judged after the limit and at most one check later, plus LATE_MS.
    expect(run.stall!.silentMs).toBeGreaterThan(STALL_MS);
    expect(run.stall!.silentMs).toBeLessThanOrEqual(STALL_MS + CHECK_MS + LATE_MS);
    expect(run.reason).toContain('stalled: silence with no tool open');

    const comment = (await pipeline.board.getTicket(ticket.key))!.comments.at(-1)!.body;
    expect(comment).toMatch(
      /attempt 1 · cheap-model · stalled · [\d.]+ s: stalled: silence with no tool open .*last seen: assistant text: Looking at the code\./,
    );

    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'classify', run.logPath!]);
    const classified = JSON.parse(stdout) as {
      outcome: string;
      reason: string;
      stall?: { cause: string; reason: string; lastSeen: string };
    };
    expect(classified.outcome).toBe('stalled');
    expect(classified.stall).toEqual({ cause: 'silence', reason: run.stall!.reason, lastSeen: run.stall!.lastSeen });
  });

  it('a tool call open past its own limit with no CPU → stalled, the reason names the tool and its command (redacted)', async () => {
    pipeline = await start({ toolTimeoutMarginSec: 1 });
    const ticket = await pipeline.board.add({
      title: '[alpha] hangs in a tool',
      description: `fake-agent: tool-stuck tool-timeout=3000\nfake-agent-command: curl -H "Authorization: token ${SECRET}" https://example.test/artifact`,
    });
    pipeline.startAll();
    await waitFor(
      'Needs Human after the stall',
      async () => (await pipeline.board.getTicket(ticket.key))?.state === 'Needs Human',
      90_000,
      100,
    );
    const run = await onlyRun(pipeline);
    expect(run.outcome).toBe('stalled');
    expect(run.stall!.cause).toBe('tool_overdue');
    expect(run.stall!.reason).toMatch(
      /^tool Bash open past its limit \(open 4\.\d s; limit 3\.0 s \+ 1\.0 s margin\); no CPU used in the last \d\.\d s; CPU counted: the agent \(pid \d+\)$/,
    );
    expect(run.stall!.lastSeen).toBe(
      'open tool: Bash `curl -H "Authorization: token [redacted]" https://example.test/artifact`',
    );
    // The call's own limit (3 s) + margin (1 s), not stallTimeoutSec (2 s), and at most one check more.
    expect(run.stall!.silentMs).toBeGreaterThan(4000);
    expect(run.stall!.silentMs).toBeLessThanOrEqual(4000 + CHECK_MS + LATE_MS);
    expect(run.reason).toContain('stalled: tool Bash open past its limit');
    const comment = (await pipeline.board.getTicket(ticket.key))!.comments.at(-1)!.body;
    expect(comment).toContain('tool Bash open past its limit');
    for (const text of [
      JSON.stringify(run),
      comment,
      readFileSync(run.logPath!, 'utf8')
        .split('\n')
        .filter((l) => l.includes('nightshift_stall'))
        .join('\n'),
    ]) {
      expect(text).not.toContain(SECRET);
    }
  });
});
