import { spawn } from 'node:child_process';

import { HookFailedError, type HookFailure } from '../errors/hook-failed.error';
import { assertSafeLaunch } from '../launch-safety';
import { HOOK_KINDS, type WorktreeCommandKind } from './hook-kind';
import { OutputTail } from './output-tail';

/** Where and how long a hook may run. */
export interface RunHookOptions {
  /** The worktree path; the hook runs there and nowhere else. */
  cwd: string;
  /** The worktree root of this host; `cwd` must resolve under it. */
  root: string;
  /** The sanitized key of the worktree (the basename of `cwd`). */
  worktreeKey: string;
  /** The hook's process group is killed after this long (`hooks.timeoutSec` × 1000). */
  timeoutMs: number;
  /**
   * The hook's whole environment: nothing of the caller's is inherited. Hooks and checks run the repo's code in
   * the agent's worktree, so they get what the agent gets (`agentEnv` from @nightshift/config plus hookEnv()).
   */
  env: Record<string, string>;
  /** After the timeout's SIGTERM, SIGKILL follows this much later. Default 2 s. */
  killGraceMs?: number;
  /** How much of the output is kept (the end of it). Default 4 KB. */
  maxOutputBytes?: number;
  /** Runs the command in the session's sandbox instead (a Podman container); it then gets only `env`. */
  sandbox?: HookSpawnLayer;
}

/** What would be spawned, and the layer that turns it into the same command in a sandbox (see @nightshift/agent). */
export interface HookSpawn {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
}
export type HookSpawnLayer = (plain: HookSpawn) => HookSpawn;

/** A hook that exited 0. */
export interface HookResult {
  kind: WorktreeCommandKind;
  command: string;
  durationMs: number;
  /** Last `maxOutputBytes` of stdout+stderr. */
  outputTail: string;
  /** True when earlier output was dropped. */
  truncated: boolean;
}

export const DEFAULT_HOOK_OUTPUT_BYTES = 4096;
// Once the leader exited, leftovers of its group are killed; this bounds the wait for pipes to close after that.
const CLOSE_WAIT_MS = 1000;

/**
 * Runs a repo hook: `argv` is executed directly (no shell) with the worktree as cwd, in its own process
 * group so a timeout kills the hook and everything it started. Checks the launch safety invariants first
 * (UnsafePathError). Resolves on exit code 0; otherwise throws HookFailedError with the exit code and the
 * tail of the output. Processes the hook leaves running in its group are killed when it exits.
 */
export async function runHook(
  kind: WorktreeCommandKind,
  argv: readonly string[],
  opts: RunHookOptions,
): Promise<HookResult> {
  const command = argv[0] ?? '';
  const fail = (f: Partial<HookFailure>): HookFailedError =>
    new HookFailedError({
      kind,
      command,
      cwd: opts.cwd,
      exitCode: null,
      signal: null,
      timedOut: false,
      timeoutMs: opts.timeoutMs,
      outputTail: '',
      ...f,
    });
  if (kind !== 'check' && !(HOOK_KINDS as readonly string[]).includes(kind))
    throw fail({ spawnError: `unknown hook kind ${JSON.stringify(kind)}` });
  if (command === '' || argv.some((a) => typeof a !== 'string'))
    throw fail({ spawnError: 'argv must be a non-empty array of strings' });
  const cwd = await assertSafeLaunch({
    root: opts.root,
    worktreeKey: opts.worktreeKey,
    worktreePath: opts.cwd,
    cwd: opts.cwd,
  });

  const tail = new OutputTail(opts.maxOutputBytes ?? DEFAULT_HOOK_OUTPUT_BYTES);
  const started = Date.now();
  const end = await new Promise<{ code: number | null; signal: string | null; timedOut: boolean; spawnError?: string }>(
    (resolve) => {
      const own = { ...opts.env, NIGHTSHIFT_HOOK: kind, NIGHTSHIFT_WORKTREE: cwd };
      const launch = opts.sandbox
        ? opts.sandbox({ command, args: argv.slice(1), cwd, env: own })
        : { command, args: argv.slice(1), cwd, env: own };
      const child = spawn(launch.command, launch.args, {
        cwd: launch.cwd,
        env: launch.env,
        detached: true, // its own process group: the timeout kills grandchildren too
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
      let timedOut = false;
      const killGroup = (signal: NodeJS.Signals) => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, signal);
        } catch {
          // ESRCH: the group is already gone
        }
      };
      let graceTimer: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup('SIGTERM');
        graceTimer = setTimeout(() => killGroup('SIGKILL'), opts.killGraceMs ?? 2000);
      }, opts.timeoutMs);
      child.stdout?.on('data', (chunk: Buffer) => tail.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => tail.push(chunk));
      child.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve({ code: null, signal: null, timedOut: false, spawnError: err.code ?? err.message });
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        clearTimeout(graceTimer);
        killGroup('SIGKILL');
        // Output still buffered in the pipes arrives before 'close'; a straggler outside the group could hold them open.
        const closeWait = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          resolve({ code, signal, timedOut });
        }, CLOSE_WAIT_MS);
        child.once('close', () => {
          clearTimeout(closeWait);
          resolve({ code, signal, timedOut });
        });
      });
    },
  );
  const outputTail = tail.text();
  if (end.code === 0 && !end.timedOut) {
    return { kind, command, durationMs: Date.now() - started, outputTail, truncated: tail.truncated };
  }
  throw fail({
    cwd,
    exitCode: end.code,
    signal: end.signal,
    timedOut: end.timedOut,
    outputTail,
    spawnError: end.spawnError,
  });
}

/** The environment Nightshift gives every hook, so one script can serve several repos and runs. */
export function hookEnv(input: {
  repo: string;
  branch: string;
  runId: string;
  worktreeKey: string;
}): Record<string, string> {
  return {
    NIGHTSHIFT_REPO: input.repo,
    NIGHTSHIFT_BRANCH: input.branch,
    NIGHTSHIFT_RUN_ID: input.runId,
    NIGHTSHIFT_WORKTREE_KEY: input.worktreeKey,
  };
}
