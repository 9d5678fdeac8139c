import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { AgentRunRequest } from '../agent-adapter';
import type { AgentCli } from '../agent-cli';
import { classifyOutcome } from '../classify-outcome';
import { CliAgentAdapter, type CliAgentAdapterOptions } from '../cli-agent.adapter';
import { describeDenial } from '../permission-denials';
import { resolveToolPermissions } from '../tool-permission-policy';
import { CodexCli } from './codex.cli';
import { GeminiCli } from './gemini.cli';
import { OpenCodeCli } from './opencode.cli';

const TOOLS = resolve(__dirname, '../../../../tools/fake-agents');
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ns-clis-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

interface Case {
  cli: AgentCli;
  binary: string;
  model: string;
  deniedTool: string;
}
const CASES: Record<string, Case> = {
  codex: { cli: new CodexCli(), binary: 'fake-codex.js', model: 'gpt-5-codex', deniedTool: "Bash(bash -lc 'ls')" },
  'gemini-cli': {
    cli: new GeminiCli(),
    binary: 'fake-gemini.js',
    model: 'gemini-2.5-pro',
    deniedTool: 'run_shell_command(ls)',
  },
  opencode: {
    cli: new OpenCodeCli(),
    binary: 'fake-opencode.js',
    model: 'anthropic/claude-sonnet-4-5',
    deniedTool: 'bash(git push origin HEAD)',
  },
};

async function run(
  c: Case,
  directive: string,
  extra: Partial<AgentRunRequest> = {},
  prices?: CliAgentAdapterOptions['prices'],
) {
  const cwd = join(root, 'wt');
  mkdirSync(cwd, { recursive: true });
  const adapter = new CliAgentAdapter(c.cli, { command: join(TOOLS, c.binary), killGraceMs: 200, prices });
  const result = await adapter.run({
    runId: 'r1',
    cwd,
    prompt: `Ticket: NS-1\nfake-agent: ${directive}\n`,
    model: c.model,
    maxTurns: 10,
    permissionMode: 'acceptEdits',
    permissions: resolveToolPermissions({ agent: {}, repo: {} }),
    sandboxMode: 'podman',
    timeoutMs: 20_000,
    logPath: join(root, 'log', 'session.log'),
    env: { PATH: process.env['PATH'] ?? '' },
    ...extra,
  });
  const verdict = classifyOutcome({
    ...result,
    text: result.tail,
    hasDiff: existsSync(join(cwd, 'nightshift-changes', 'NS-1.md')),
    now: new Date(),
  });
  return { result, verdict, cwd };
}

describe.each(Object.entries(CASES))('%s double through CliAgentAdapter', (_kind, c) => {
  it('succeeds with the change in the worktree, the session id, usage and the prompt on stdin only', async () => {
    const { result, verdict, cwd } = await run(c, 'succeed');
    expect(verdict.outcome).toBe('success');
    expect(readFileSync(join(cwd, 'nightshift-changes', 'NS-1.md'), 'utf8')).toContain(`model: ${c.model}`);
    expect(result.sessionId).toBeTruthy();
    expect(result.usage.input + result.usage.cacheRead).toBeGreaterThan(0);
    expect(result.argv).toContain(c.model);
    expect(result.argv.join(' ')).not.toContain('NS-1');
  });

  it('reads a prompt the runner writes only after the double has started', async () => {
    const cwd = join(root, 'late');
    mkdirSync(cwd, { recursive: true });
    const plan = c.cli.plan({
      model: c.model,
      maxTurns: 10,
      permissionMode: 'acceptEdits',
      permissions: resolveToolPermissions({ agent: {}, repo: {} }),
      sandboxMode: 'podman',
      prompt: '',
    });
    const child = spawn(process.execPath, [join(TOOLS, c.binary), ...plan.args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', ...plan.env },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined);
    const closed = new Promise<number | null>((r) => child.once('close', r));
    await new Promise((r) => setTimeout(r, 300));
    child.stdin.end('Ticket: NS-1\nfake-agent: succeed\n');
    const code = await closed;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(existsSync(join(cwd, 'nightshift-changes', 'NS-1.md'))).toBe(true);
  });

  it('classifies its rate limit with the reset its message states', async () => {
    const started = Date.now();
    const { verdict } = await run(c, 'rate-limit');
    expect(verdict.outcome).toBe('rate_limited');
    if (c.cli.kind !== 'opencode') expect(verdict.resetsAt!.getTime()).toBeGreaterThanOrEqual(started + 59_000);
  });

  it('classifies its auth failure', async () => {
    expect((await run(c, 'auth-fail')).verdict.outcome).toBe('auth_failed');
  });

  it('classifies its overloaded API as an infrastructure error', async () => {
    expect((await run(c, 'overloaded')).verdict.outcome).toBe('infra_error');
  });

  it('records a refused tool call as a permission denial', async () => {
    const { result } = await run(c, 'deny');
    expect(result.permissionDenials.map((d) => describeDenial(d))).toEqual([c.deniedTool]);
  });
});

describe('cost', () => {
  it('comes from OpenCode itself; Codex and Gemini print none', async () => {
    expect((await run(CASES.opencode!, 'succeed')).result.costUsd).toBeGreaterThan(0);
    expect((await run(CASES.codex!, 'succeed')).result.costUsd).toBeNull();
  });

  it('is estimated from the price table where the CLI prints none, and marked so', async () => {
    const prices = { 'gpt-5-codex': { input: 1.25, output: 10, cacheRead: 0.125 } };
    const { result } = await run(CASES.codex!, 'succeed', {}, prices);
    const u = result.usage;
    expect(result.costEstimated).toBe(true);
    expect(result.costUsd).toBeCloseTo((u.input * 1.25 + u.output * 10 + u.cacheRead * 0.125) / 1e6, 6);
    const own = await run(
      CASES.opencode!,
      'succeed',
      {},
      { 'anthropic/claude-sonnet-4-5': { input: 100, output: 100 } },
    );
    expect(own.result.costEstimated).toBeUndefined(); // the CLI's own cost wins
  });
});
