import { redactSecrets, secretValuesFromEnv } from '@nightshift/domain';

/** What is known about a failed git invocation; `argv` is deliberately absent (it may carry a URL with credentials). */
export interface GitFailure {
  subcommand: string;
  cwd: string;
  exitCode: number | null;
  stderr: string;
  timedOut: boolean;
  timeoutMs?: number;
  spawnError?: string;
  /** Values to scrub besides the secret env vars (e.g. a token handed to git through its environment). */
  secrets?: readonly string[];
  /** What git printed on stdout before it failed (e.g. merge-tree's conflicted files); redacted like stderr. */
  stdout?: string;
}

const MAX_STDERR_IN_MESSAGE = 2000;

/** A git command exited non-zero, timed out or could not start. Credentials are stripped from every field. */
export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
  readonly subcommand: string;
  readonly cwd: string;
  /** git's exit code; null when it was killed (timeout) or never started. */
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** git's stdout (credentials stripped); empty when it printed nothing. */
  readonly stdout: string;

  constructor(failure: GitFailure) {
    const secrets = [...secretValuesFromEnv(), ...(failure.secrets ?? [])];
    const stderr = redactSecrets(failure.stderr.trim(), secrets);
    super(redactSecrets(describe(failure, stderr), secrets));
    this.subcommand = failure.subcommand;
    this.cwd = failure.cwd;
    this.exitCode = failure.exitCode;
    this.stderr = stderr;
    this.timedOut = failure.timedOut;
    this.stdout = redactSecrets(failure.stdout ?? '', secrets);
  }
}

function describe(failure: GitFailure, stderr: string): string {
  const where = `git ${failure.subcommand} in ${failure.cwd}`;
  if (failure.spawnError) {
    return `${where} could not start (${failure.spawnError}): check that git is installed and on PATH and that the directory exists`;
  }
  const shown = stderr.length > MAX_STDERR_IN_MESSAGE ? `…${stderr.slice(-MAX_STDERR_IN_MESSAGE)}` : stderr;
  if (failure.timedOut) {
    return `${where} timed out after ${failure.timeoutMs ?? '?'} ms and was killed; check the remote is reachable or raise the timeout${shown ? `: ${shown}` : ''}`;
  }
  return `${where} failed with exit code ${failure.exitCode ?? 'unknown'}: ${shown || '(no stderr)'}`;
}
