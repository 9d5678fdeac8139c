import type { WorktreeCommandKind } from '../hooks/hook-kind';

/** How a failed hook ended. */
export interface HookFailure {
  kind: WorktreeCommandKind;
  /** argv[0] of the hook, to name it in messages (arguments are left out: they may carry data). */
  command: string;
  cwd: string;
  /** The hook's exit code; null when it was killed (timeout, signal) or never started. */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  timeoutMs: number;
  /** Last few KB of stdout+stderr, interleaved as written. */
  outputTail: string;
  /** Set when the process could not be started (ENOENT, EACCES…). */
  spawnError?: string;
}

const TAIL_IN_MESSAGE = 1000;

/**
 * A repo hook exited non-zero, timed out or could not start. `kind` says which one: an afterCreate failure
 * aborts the worktree, a beforeRun failure fails the attempt as infra_error, afterRun/beforeRemove are logged.
 */
export class HookFailedError extends Error {
  override readonly name = 'HookFailedError';
  readonly kind: WorktreeCommandKind;
  readonly command: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly outputTail: string;

  constructor(failure: HookFailure) {
    super(describe(failure));
    this.kind = failure.kind;
    this.command = failure.command;
    this.exitCode = failure.exitCode;
    this.signal = failure.signal;
    this.timedOut = failure.timedOut;
    this.outputTail = failure.outputTail;
  }
}

function describe(f: HookFailure): string {
  const where = `${f.kind === 'check' ? 'check' : `${f.kind} hook`} ${JSON.stringify(f.command)} in ${f.cwd}`;
  const tail = f.outputTail.trim();
  const shown = tail.length > TAIL_IN_MESSAGE ? `…${tail.slice(-TAIL_IN_MESSAGE)}` : tail;
  const output = shown ? `; output: ${shown}` : '; no output';
  if (f.spawnError) {
    return `${where} could not start (${f.spawnError}): check the command in the repo's hooks config exists and is executable`;
  }
  if (f.timedOut)
    return `${where} timed out after ${f.timeoutMs} ms and its process group was killed; raise hooks.timeoutSec or make the hook faster${output}`;
  if (f.exitCode === null) return `${where} was killed by ${f.signal ?? 'a signal'}${output}`;
  return `${where} failed with exit code ${f.exitCode}${output}`;
}
