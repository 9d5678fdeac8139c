import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

import { secretValuesFromEnv } from '@nightshift/domain';

import type { AgentAdapter, AgentRunRequest, AgentRunResult } from './agent-adapter';
import type { AgentCli } from './agent-cli';
import type { AgentKind } from './agent-kind';
import { estimateCost, type ModelPrice } from './estimate-cost';
import { OutputCapture } from './output-capture';
import { terminateGroup } from './process-group';
import { layeredSpawn } from './sandbox/agent-spawn';
import { SessionLog } from './session-log';
import { describeSpawnError } from './spawn-error';
import { toTokenUsage } from './stream-events';

export interface CliAgentAdapterOptions {
  /** Path or PATH name of the CLI's executable (agent.command in nightshift.yaml). */
  command: string;
  /** Appended after the standard flags, e.g. ['--allowedTools', 'Bash,Edit']. */
  extraArgs?: string[];
  /** Between SIGTERM and SIGKILL when killing the group. Default 3000 ms. */
  killGraceMs?: number;
  /**
   * How long a session may linger after printing its result event before its group is killed (agents that
   * finish but never exit). Default 30 000 ms.
   */
  afterResultGraceMs?: number;
  /** USD per million tokens by model: estimates the cost of a CLI that prints none (marked costEstimated). */
  prices?: Readonly<Record<string, ModelPrice>>;
}

/** setTimeout fires at once for delays past 2^31-1 ms (~24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs one agent CLI headless, each session in its own process group. The prompt goes to the CLI's stdin, never
 * into argv: Linux caps one argument at 128 KB (E2BIG) and argv is visible to every user in `ps`. The CLI's own
 * output is translated into canonical stream-json events (see StreamTranslator), the one run record.
 */
export class CliAgentAdapter implements AgentAdapter {
  readonly kind: AgentKind;
  private readonly killGraceMs: number;
  private readonly afterResultGraceMs: number;

  constructor(
    readonly cli: AgentCli,
    private readonly options: CliAgentAdapterOptions,
  ) {
    this.kind = cli.kind;
    this.killGraceMs = options.killGraceMs ?? 3000;
    this.afterResultGraceMs = options.afterResultGraceMs ?? 30_000;
  }

  /**
   * Runs one session; resolves for every way it can end (including spawn failure), rejects only for a missing
   * model or permission rules the CLI cannot express (UnexpressiblePermissionsError).
   */
  async run(req: AgentRunRequest): Promise<AgentRunResult> {
    const plan = this.cli.plan(req);
    const args = [...plan.args, ...(this.options.extraArgs ?? [])];
    const argv = [this.options.command, ...args];
    const capture = new OutputCapture(req.onEvent, this.cli.translator());
    const base = { argv, timedOut: false, canceled: false };
    const notStarted = (extra: Partial<AgentRunResult>): AgentRunResult => ({
      ...base,
      exitCode: null,
      signal: null,
      durationMs: 0,
      tail: '',
      events: [],
      usage: toTokenUsage(undefined),
      costUsd: null,
      permissionDenials: [],
      ...extra,
    });

    if (req.signal?.aborted) return notStarted({ canceled: true });
    if (!existsSync(req.cwd)) {
      return notStarted({ spawnError: `cannot start the agent: working directory ${req.cwd} does not exist` });
    }
    // The agent's own credentials (its env) are redacted from the log as well as the runner's secrets.
    const log = new SessionLog(req.logPath, secretValuesFromEnv({ ...process.env, ...req.env }));

    const started = Date.now();
    let child: ChildProcess;
    try {
      // The request's env is the whole env (an allowlist): sandboxed or not, nothing of the runner's is inherited.
      const launch = layeredSpawn(req.sandbox, {
        command: this.options.command,
        args,
        cwd: req.cwd,
        env: { ...req.env, ...plan.env },
      });
      child = spawn(launch.command, launch.args, {
        cwd: launch.cwd,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: launch.env,
      });
    } catch (error) {
      return this.spawnFailed(log, error, notStarted);
    }

    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const spawned = await new Promise<Error | null>((resolve) => {
      child.once('spawn', () => resolve(null));
      child.once('error', (error) => resolve(error));
    });
    if (spawned || child.pid === undefined) return this.spawnFailed(log, spawned, notStarted);
    const pid = child.pid;
    sendPrompt(child, plan.stdin);
    try {
      req.onSpawn?.(pid);
    } catch (error) {
      // Never leave an unsupervised agent behind because a registry call failed.
      await terminateGroup(pid, this.killGraceMs);
      await exited(child);
      log.close();
      throw error;
    }

    let timedOut = false;
    let canceled = false;
    let killedAfterResult = false;
    let killing: Promise<boolean> | undefined;
    const notifyOutput = (): void => {
      try {
        req.onOutput?.();
      } catch {
        // A failed heartbeat must not crash the runner mid-session; the reaper notices missing heartbeats.
      }
    };
    const kill = (): Promise<boolean> => (killing ??= terminateGroup(pid, this.killGraceMs));

    child.stdout?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (capture.stdout(chunk)) armAfterResult();
      notifyOutput();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      capture.stderr(chunk);
      notifyOutput();
    });
    child.on('error', () => undefined); // a failed kill() is handled through terminateGroup; never crash the runner

    const deadline = setTimeout(
      () => {
        timedOut = true;
        void kill();
      },
      Math.min(req.timeoutMs, MAX_TIMER_MS),
    );
    let afterResult: NodeJS.Timeout | undefined;
    const armAfterResult = (): void => {
      afterResult ??= setTimeout(() => {
        killedAfterResult = true;
        void kill();
      }, this.afterResultGraceMs);
    };
    const onAbort = (): void => {
      canceled = true;
      void kill();
    };
    req.signal?.addEventListener('abort', onAbort, { once: true });
    if (req.signal?.aborted) onAbort(); // aborted while spawning, before the listener existed

    const [exitCode, signal] = await exited(child);
    const durationMs = Date.now() - started;
    clearTimeout(deadline);
    clearTimeout(afterResult);
    req.signal?.removeEventListener('abort', onAbort);
    // The leader is gone; anything it left in its group (dev servers, test watchers) goes with it.
    await (killing ?? terminateGroup(pid, this.killGraceMs));
    await streamsClosed(child, closed, 1000);
    capture.end(exitCode);
    const meaning = exitCode === null ? undefined : this.cli.describeExit?.(exitCode);
    if (meaning) capture.note(meaning);
    log.close();

    const summary = capture.summary();
    const price = this.options.prices?.[req.model];
    const estimated = summary.costUsd === null && price ? estimateCost(summary.usage, price) : null;
    return {
      argv,
      exitCode,
      signal,
      durationMs,
      timedOut: timedOut && !killedAfterResult,
      canceled,
      ...(killedAfterResult ? { killedAfterResult } : {}),
      tail: capture.tail,
      events: capture.events,
      result: summary.result,
      usage: summary.usage,
      costUsd: summary.costUsd ?? estimated,
      ...(estimated === null ? {} : { costEstimated: true }),
      sessionId: summary.sessionId,
      permissionDenials: summary.permissionDenials,
    };
  }

  private async spawnFailed(
    log: SessionLog,
    error: unknown,
    notStarted: (extra: Partial<AgentRunResult>) => AgentRunResult,
  ): Promise<AgentRunResult> {
    const spawnError = this.describeSpawnError(error);
    log.write(`${spawnError}\n`);
    log.close();
    return notStarted({ spawnError, tail: `${spawnError}\n` });
  }

  private describeSpawnError(error: unknown): string {
    return describeSpawnError(this.options.command, error);
  }
}

/** Writes the prompt and closes stdin; an agent that exits without reading it (EPIPE) must not crash the runner. */
function sendPrompt(child: ChildProcess, prompt: string): void {
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(prompt);
}

/** Waits for stdout/stderr to close; a grandchild that escaped the group may hold them open, so give up after a while. */
async function streamsClosed(child: ChildProcess, closed: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve();
    }, timeoutMs);
  });
  await Promise.race([closed, timeout]);
  clearTimeout(timer);
}

function exited(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve([child.exitCode, child.signalCode]);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
}
