import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import type { AgentRunRequest, AgentRunResult } from './agent-adapter';
import { classifyOutcome } from './classify-outcome';
import { ClaudeCodeAdapter } from './claude-code.adapter';
import { MissingModelError } from './errors/missing-model.error';
import { toTokenUsage } from './stream-events';
import { sumTranscriptUsage, transcriptPath } from './transcript-usage';

// The real test double, run as an executable (the adapter must not know it is a fake).
const FAKE = resolve(__dirname, '../../../tools/fake-claude/fake-claude.js');

jest.setTimeout(20_000);

let root: string;
let cwd: string;
let configDir: string;
let argvLog: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ns-agent-'));
  cwd = join(root, 'work');
  configDir = join(root, 'claude-config');
  argvLog = join(root, 'argv.jsonl');
  mkdirSync(cwd);
});

afterEach(() => {
  // Every launch of the suite named its model (the 747-sessions-on-opus incident).
  if (existsSync(argvLog)) {
    for (const line of readFileSync(argvLog, 'utf8').trim().split('\n')) expect(JSON.parse(line).model).toBeTruthy();
  }
  rmSync(root, { recursive: true, force: true });
});

function request(prompt: string, extra: Partial<AgentRunRequest> = {}): AgentRunRequest {
  return {
    runId: 'run-1',
    cwd,
    prompt,
    model: 'sonnet',
    maxTurns: 5,
    permissionMode: 'acceptEdits',
    timeoutMs: 15_000,
    logPath: join(root, 'logs', 'nested', 'run-1.log'),
    env: { PATH: process.env['PATH'] ?? '', CLAUDE_CONFIG_DIR: configDir, FAKE_CLAUDE_ARGV_LOG: argvLog },
    ...extra,
  };
}

const adapter = new ClaudeCodeAdapter({ command: FAKE, killGraceMs: 300 });

/** True while the pid runs; a zombie (killed, not yet reaped by a non-reaping PID 1) does not run. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return process.platform === 'linux' ? false : true;
  }
}

function expectGroupGone(pid: number): void {
  expect(() => process.kill(-pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
}

function classify(run: AgentRunResult, hasDiff?: boolean) {
  return classifyOutcome({ ...run, text: run.tail, hasDiff, now: new Date() });
}

describe('ClaudeCodeAdapter with fake-claude', () => {
  it('runs a successful session: events, usage, cost, edit, argv, log and transcript agree', async () => {
    let spawnedPid = 0;
    let outputs = 0;
    const run = await adapter.run(
      request('Fix the pagination.\nTicket: FIR-9\n', {
        onSpawn: (pid) => (spawnedPid = pid),
        onOutput: () => outputs++,
      }),
    );

    expect(run.spawnError).toBeUndefined();
    expect(run).toMatchObject({ exitCode: 0, signal: null, timedOut: false, canceled: false });
    expect(spawnedPid).toBeGreaterThan(0);
    expect(outputs).toBeGreaterThan(0);
    expect(run.argv).toEqual([
      FAKE,
      '-p',
      '--model',
      'sonnet',
      '--output-format',
      'stream-json',
      '--verbose',
      '--max-turns',
      '5',
      '--permission-mode',
      'acceptEdits',
      '--setting-sources',
      '',
      '--settings',
      '{"disableAllHooks":true}',
      '--strict-mcp-config',
    ]);
    expect(run.events.map((e) => e.type)).toEqual(['system', 'assistant', 'assistant', 'assistant', 'result']);
    expect(run.result?.subtype).toBe('success');
    expect(run.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.usage).toEqual(toTokenUsage(run.result?.usage));
    expect(run.usage.input).toBeGreaterThan(0);
    expect(run.costUsd).toBe(run.result?.total_cost_usd);
    expect(run.costUsd).toBeGreaterThan(0);

    const change = readFileSync(join(cwd, 'nightshift-changes', 'FIR-9.md'), 'utf8');
    expect(change).toContain('FIR-9');
    expect(change).toContain('sonnet');

    const log = readFileSync(request('').logPath, 'utf8');
    expect(log).toContain('"type":"result"');
    expect(log).toContain(run.sessionId);

    const launches = readFileSync(argvLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(launches).toHaveLength(1);
    expect(launches[0]).toMatchObject({ model: 'sonnet', cwd: realpathSync(cwd), pid: spawnedPid });

    const transcript = await sumTranscriptUsage(transcriptPath(configDir, realpathSync(cwd), run.sessionId ?? ''));
    expect(transcript.usage).toEqual(run.usage);
    expect(transcript.costUsd).toBeNull();

    expect(classify(run, true).outcome).toBe('success');
    expectGroupGone(spawnedPid);
  });

  it('gives the same tokens and cost for the same prompt (the benchmark compares them)', async () => {
    const a = await adapter.run(request('Ticket: A-1\n'));
    const b = await adapter.run(request('Ticket: A-1\n'));
    expect(b.usage).toEqual(a.usage);
    expect(b.costUsd).toBe(a.costUsd);
  });

  it('kills a hung session and its whole process group at the timeout', async () => {
    let pid = 0;
    const run = await adapter.run(request('fake-agent: hang', { timeoutMs: 500, onSpawn: (p) => (pid = p) }));
    expect(run).toMatchObject({ timedOut: true, canceled: false, exitCode: null, signal: 'SIGTERM' });
    expect(run.durationMs).toBeGreaterThanOrEqual(450);
    expect(run.events[0]).toMatchObject({ type: 'system', subtype: 'init' });
    expectGroupGone(pid);
    expect(classify(run).outcome).toBe('timeout');
  });

  it('escalates to SIGKILL and takes grandchildren down with the group', async () => {
    let pid = 0;
    const run = await adapter.run(
      request('fake-agent: hang ignore-sigterm spawn-child', { timeoutMs: 500, onSpawn: (p) => (pid = p) }),
    );
    const childLine = run.tail.split('\n').find((l) => l.includes('"fake_child"'));
    const grandchild = Number(JSON.parse(childLine ?? '{}').pid);
    expect(grandchild).toBeGreaterThan(0);
    expect(run).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect(isRunning(pid)).toBe(false);
    expect(isRunning(grandchild)).toBe(false);
  });

  it('after a normal exit, kills what the session left running in its group', async () => {
    const run = await adapter.run(request('Ticket: C-1\nfake-agent: succeed spawn-child'));
    const childLine = run.tail.split('\n').find((l) => l.includes('"fake_child"'));
    const grandchild = Number(JSON.parse(childLine ?? '{}').pid);
    expect(run).toMatchObject({ exitCode: 0, timedOut: false });
    expect(grandchild).toBeGreaterThan(0);
    expect(isRunning(grandchild)).toBe(false);
  });

  it('kills a session that printed its result but never exits, at the timeout', async () => {
    let pid = 0;
    const run = await adapter.run(
      request('Ticket: NE-1\nfake-agent: never-exit', { timeoutMs: 800, onSpawn: (p) => (pid = p) }),
    );
    expect(run.result?.subtype).toBe('success');
    expect(run).toMatchObject({ timedOut: true, exitCode: null });
    expectGroupGone(pid);
    // The work is done and on disk: a lingering process must not throw it away.
    expect(classify(run, true).outcome).toBe('success');
  });

  it('kills a finished-but-lingering session after the after-result grace, well before the timeout', async () => {
    const quick = new ClaudeCodeAdapter({ command: FAKE, killGraceMs: 300, afterResultGraceMs: 200 });
    const run = await quick.run(request('Ticket: NE-2\nfake-agent: never-exit', { timeoutMs: 15_000 }));
    expect(run).toMatchObject({ killedAfterResult: true, timedOut: false });
    expect(run.durationMs).toBeLessThan(5_000);
  });

  it('reports a crash by signal with the partial output kept', async () => {
    const run = await adapter.run(request('fake-agent: crash'));
    expect(run).toMatchObject({ exitCode: null, signal: 'SIGSEGV', timedOut: false });
    expect(run.events.some((e) => e.type === 'assistant')).toBe(true);
    expect(run.result).toBeUndefined();
    expect(run.usage.input).toBeGreaterThan(0); // from the assistant message seen before the crash
    expect(run.costUsd).toBeNull();
    expect(run.tail).toContain('"content":[{"type":"te');
    expect(classify(run).outcome).toBe('fast_fail');
  });

  it('resolves with a spawn error (never throws) when the binary is missing', async () => {
    const missing = new ClaudeCodeAdapter({ command: join(root, 'no-such-claude') });
    const run = await missing.run(request('Ticket: X-1'));
    expect(run.spawnError).toContain(join(root, 'no-such-claude'));
    expect(run.spawnError).toContain('not found (ENOENT)');
    expect(run.spawnError).toContain('agent.command');
    expect(run.exitCode).toBeNull();
    expect(classify(run).outcome).toBe('infra_error');
  });

  it('resolves with a spawn error when the binary is not executable', async () => {
    const file = join(root, 'claude');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o644);
    const run = await new ClaudeCodeAdapter({ command: file }).run(request('Ticket: X-1'));
    expect(run.spawnError).toContain('permission denied (EACCES)');
    expect(run.spawnError).toContain('chmod +x');
    expect(run.spawnError).not.toMatch(/not found|install/i);
    expect(classify(run).outcome).toBe('infra_error');
  });

  it('sends a prompt far past the 128 KB argv limit on stdin, whole, and keeps it out of argv', async () => {
    const promptLog = join(root, 'prompts');
    const prompt = `Ticket: BIG-1\n${'a pasted log line \u00e9\n'.repeat(60_000)}`; // ~1.2 MB
    const run = await adapter.run(
      request(prompt, {
        env: {
          PATH: process.env['PATH'] ?? '',
          CLAUDE_CONFIG_DIR: configDir,
          FAKE_CLAUDE_ARGV_LOG: argvLog,
          FAKE_CLAUDE_PROMPT_LOG: promptLog,
        },
      }),
    );
    expect(run.spawnError).toBeUndefined();
    expect(run.result?.subtype).toBe('success');
    expect(run.argv.join(' ')).not.toContain('pasted log line');
    const received = readdirSync(promptLog).map(
      (f) => JSON.parse(readFileSync(join(promptLog, f), 'utf8')) as { via: string; prompt: string },
    );
    expect(received).toHaveLength(1);
    expect(received[0]!.via).toBe('stdin');
    expect(received[0]!.prompt).toBe(prompt);
  });

  it('the fake CLI also takes its prompt as the argument after -p, like the real one', async () => {
    const promptLog = join(root, 'prompts');
    const { stdout } = await promisify(execFile)(
      FAKE,
      ['-p', 'Ticket: ARG-1', '--model', 'haiku', '--output-format', 'stream-json', '--verbose'],
      { cwd, env: { ...process.env, FAKE_CLAUDE_PROMPT_LOG: promptLog } },
    );
    expect(stdout).toContain('"subtype":"success"');
    const [file] = readdirSync(promptLog);
    expect(JSON.parse(readFileSync(join(promptLog, file!), 'utf8'))).toMatchObject({
      via: 'argv',
      prompt: 'Ticket: ARG-1',
    });
  });

  it('the fake CLI refuses -p with neither a prompt argument nor stdin input, as the real one does', async () => {
    const child = execFile(FAKE, ['-p', '--model', 'haiku'], { cwd });
    child.stdin?.end('');
    const [code, stderr] = await new Promise<[number | null, string]>((done) => {
      let err = '';
      child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
      child.on('close', (c) => done([c, err]));
    });
    expect(code).toBe(2);
    expect(stderr).toContain('Input must be provided either through stdin or as a prompt argument');
  });

  it('cancels on abort and kills the group', async () => {
    const controller = new AbortController();
    let pid = 0;
    const running = adapter.run(
      request('fake-agent: hang', {
        signal: controller.signal,
        onSpawn: (p) => (pid = p),
        onOutput: () => controller.abort(),
      }),
    );
    const run = await running;
    expect(run).toMatchObject({ canceled: true, timedOut: false });
    expectGroupGone(pid);
    expect(classify(run).outcome).toBe('canceled');
  });

  it('does not start at all when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const run = await adapter.run(request('Ticket: X-1', { signal: controller.signal }));
    expect(run.canceled).toBe(true);
    expect(existsSync(argvLog)).toBe(false);
  });

  it('kills the session and rejects when onSpawn throws (no unsupervised agent left behind)', async () => {
    let pid = 0;
    const failing = adapter.run(
      request('fake-agent: hang', {
        onSpawn: (p) => {
          pid = p;
          throw new Error('registry unavailable');
        },
      }),
    );
    await expect(failing).rejects.toThrow('registry unavailable');
    expectGroupGone(pid);
  });

  it('refuses a request without a model before spawning', async () => {
    await expect(adapter.run(request('Ticket: X-1', { model: ' ' }))).rejects.toBeInstanceOf(MissingModelError);
    expect(existsSync(argvLog)).toBe(false);
  });

  it.each([
    ['fake-agent: fail', 'task_failed'],
    ['fake-agent: max-turns', 'task_failed'],
    ['fake-agent: auth-fail', 'auth_failed'],
    ['fake-agent: rate-limit', 'rate_limited'],
    ['Ticket: ND-1\nfake-agent: no-diff', 'no_changes'],
  ])('classifies the fake %p as %s', async (prompt, outcome) => {
    const run = await adapter.run(request(prompt));
    expect(classify(run, run.exitCode === 0 ? existsSync(join(cwd, 'nightshift-changes')) : undefined).outcome).toBe(
      outcome,
    );
  });

  it('parses the reset instant of the epoch rate-limit form', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const run = await adapter.run(request(`fake-agent: rate-limit reset=${reset}`));
    expect(classify(run)).toMatchObject({ outcome: 'rate_limited', resetsAt: new Date(reset * 1000) });
  });

  it('stops rate-limiting once the reset instant has passed, like a real quota', async () => {
    const run = await adapter.run(request('Ticket: R-1\nfake-agent: rate-limit reset=1750708800'));
    expect(classify(run).outcome).toBe('success');
  });

  it('rate-limits a ticket on exactly its first N launches with `launches=N`, then does the work', async () => {
    const env = {
      PATH: process.env['PATH'] ?? '',
      CLAUDE_CONFIG_DIR: configDir,
      FAKE_CLAUDE_ARGV_LOG: join(root, 'launches-argv.jsonl'),
    };
    const prompt = 'Ticket: L-1\nfake-agent: rate-limit launches=2';
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(classify(await adapter.run(request(prompt, { env }))).outcome);
    expect(outcomes).toEqual(['rate_limited', 'rate_limited', 'success']);
    // Another ticket's launches are its own.
    expect(
      classify(await adapter.run(request('Ticket: L-2\nfake-agent: rate-limit launches=1', { env }))).outcome,
    ).toBe('rate_limited');
  });

  it('applies FAKE_CLAUDE_DEFAULT when the prompt has no directive, and the prompt wins over it', async () => {
    const env = {
      PATH: process.env['PATH'] ?? '',
      CLAUDE_CONFIG_DIR: configDir,
      FAKE_CLAUDE_ARGV_LOG: argvLog,
      FAKE_CLAUDE_DEFAULT: 'fail',
    };
    expect((await adapter.run(request('Ticket: D-1', { env }))).result?.subtype).toBe('error_during_execution');
    expect((await adapter.run(request('Ticket: D-1\nfake-agent: succeed', { env }))).result?.subtype).toBe('success');
  });

  it('reads the instant bash stand-in the benchmark uses as a successful session with usage and cost', async () => {
    const instant = new ClaudeCodeAdapter({
      command: resolve(__dirname, '../../../tools/fake-claude/instant-claude.sh'),
    });
    const run = await instant.run(request('Ticket: I-1'));
    expect(classify(run, true).outcome).toBe('success');
    expect(run.costUsd).toBeCloseTo(0.0051, 6);
    expect(run.usage).toEqual({ input: 120, output: 60, cacheWrite: 1000, cacheRead: 5000 });
  });
});
