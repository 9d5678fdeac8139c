import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { ClaudeCodeAdapter } from './claude-code.adapter';
import { StallMonitor } from './stall-monitor';
import type { StallLimits } from './stall-watchdog';

// The adapter and the monitor wired as the session-runner wires them, on the real fake CLI.
const FAKE = resolve(__dirname, '../../../tools/fake-claude/fake-claude.js');
const CHECK_MS = 250;
const LIMITS: StallLimits = { stallMs: 1000, toolMaxMs: 500, toolMarginMs: 500, cpuWindowMs: 1000, busyCpuRatio: 0.01 };

jest.setTimeout(30_000);

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ns-stall-'));
  mkdirSync(join(root, 'work'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function session(prompt: string, limits: StallLimits = LIMITS) {
  const abort = new AbortController();
  const monitor = new StallMonitor({ limits, checkMs: CHECK_MS, onStall: () => abort.abort() });
  const run = await new ClaudeCodeAdapter({ command: FAKE, killGraceMs: 300 }).run({
    runId: 'r',
    cwd: join(root, 'work'),
    prompt,
    model: 'sonnet',
    maxTurns: 3,
    permissionMode: 'acceptEdits',
    timeoutMs: 25_000,
    logPath: join(root, 'run.jsonl'),
    env: { PATH: process.env['PATH'] ?? '' },
    signal: abort.signal,
    onSpawn: (pid) => monitor.start(pid),
    onOutput: () => monitor.output(),
    onEvent: (event) => monitor.event(event),
  });
  monitor.stop();
  return { run, verdict: monitor.verdict };
}

describe('StallMonitor on a live session', () => {
  it('leaves a Bash call alone while its command burns CPU past every limit', async () => {
    const { run, verdict } = await session('Ticket: S-1\nfake-agent: tool-burn=3000');
    expect(verdict).toBeUndefined();
    expect(run).toMatchObject({ exitCode: 0, canceled: false });
    expect(run.result?.subtype).toBe('success');
  });

  it('kills the same call when CPU does not count (busy share out of reach): the CPU is what spared it', async () => {
    const { run, verdict } = await session('Ticket: S-1\nfake-agent: tool-burn=3000', { ...LIMITS, busyCpuRatio: 100 });
    expect(verdict?.cause).toBe('tool_overdue');
    expect(run.result).toBeUndefined();
  });

  it('kills a silent idle session with no tool open as "silence"', async () => {
    const { run, verdict } = await session('fake-agent: hang');
    expect(verdict).toMatchObject({ cause: 'silence', lastSeen: 'assistant text: Looking at the code.' });
    expect(run.canceled).toBe(true); // the abort the runner turns into `stalled`
  });

  it('kills a CLI hung in a tool call past its limit, naming the tool and command', async () => {
    const { verdict } = await session('fake-agent: tool-stuck tool-timeout=300\nfake-agent-command: make check', {
      ...LIMITS,
      stallMs: 500,
    });
    expect(verdict).toMatchObject({
      cause: 'tool_overdue',
      lastSeen: 'open tool: Bash `make check`',
      tool: { name: 'Bash', limitMs: 300 },
    });
    expect(verdict!.silentMs).toBeGreaterThan(800);
  });

  it('judges a hung CLI stalled though a background child it started keeps busy, and says what it counted', async () => {
    // The child does 5 ms every 100 ms (5 % of a core, above the 1 % busy share): counted with the whole
    // process group, it kept the session alive until its timeout.
    const started = Date.now();
    const { run, verdict } = await session('Ticket: S-1\nfake-agent: background-busy hang');
    expect(verdict).toMatchObject({ cause: 'silence', lastSeen: 'assistant text: Looking at the code.' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(verdict!.cpu!.background).toHaveLength(1);
    expect(verdict!.cpu!.tool).toEqual([]);
    expect(verdict!.reason).toMatch(/CPU counted: the agent \(pid \d+\), not 1 background \(pids \d+\)/);
    expect(run.canceled).toBe(true);
  });

  it('still counts a Bash call started after the background child: a busy build is left alone', async () => {
    const { run, verdict } = await session('Ticket: S-1\nfake-agent: background-busy tool-burn=3000');
    expect(verdict).toBeUndefined();
    expect(run.result?.subtype).toBe('success');
  });
});
