import { execFile, type ExecFileException } from 'node:child_process';

import { GitCommandError } from './errors/git-command.error';
import { hardenedGitEnv, neutralConfigArgs } from './git-hardening';
import { identityFallbackEnv } from './git-identity';

/** Options for one git invocation. */
export interface RunGitOptions {
  cwd: string;
  /** Kill git after this long; default 120 s. */
  timeoutMs?: number;
  /** Extra environment; wins over the hardened environment (see git-hardening.ts) and the identity fallback. */
  env?: Record<string, string>;
  /** Values to scrub from the error besides the secret env vars (e.g. a token passed in `env`). */
  secrets?: readonly string[];
}

/** What git printed. */
export interface GitOutput {
  stdout: string;
  stderr: string;
}

export const DEFAULT_GIT_TIMEOUT_MS = 120_000;
// `git status` of a big tree or `worktree list` of hundreds of worktrees outgrows Node's 1 MB default.
const MAX_BUFFER = 64 * 1024 * 1024;

/**
 * Runs `git <args>` (argument array, never a shell) in `opts.cwd`, under Nightshift's known config (see
 * git-hardening.ts: no hook, fsmonitor, credential helper… runs). Terminal prompts are disabled so a
 * missing credential fails fast instead of hanging, and an author/committer identity
 * (`Nightshift <nightshift@localhost>`) is supplied when none is configured.
 * Throws GitCommandError (credentials stripped) on a non-zero exit, a timeout or a failure to start.
 */
export async function runGit(args: string[], opts: RunGitOptions): Promise<GitOutput> {
  const base = hardenedGitEnv(process.env);
  const identity = await identityFallbackEnv({ ...base, ...opts.env });
  const env = { ...base, ...identity, ...opts.env };
  const timeoutMs = opts.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...neutralConfigArgs(), ...args],
      { cwd: opts.cwd, env, timeout: timeoutMs, maxBuffer: MAX_BUFFER, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, stderr });
          return;
        }
        reject(toGitError(error, args, opts.cwd, timeoutMs, stderr, opts.secrets, stdout));
      },
    );
  });
}

function toGitError(
  error: ExecFileException,
  args: string[],
  cwd: string,
  timeoutMs: number,
  stderr: string,
  secrets: readonly string[] = [],
  stdout = '',
): GitCommandError {
  const subcommand = subcommandOf(args);
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
    const note = `output exceeded ${MAX_BUFFER} bytes and git was killed`;
    return new GitCommandError({ subcommand, cwd, exitCode: null, stderr: note, timedOut: false, secrets });
  }
  // Any other string code (ENOENT, EACCES…) means git never ran. error.message is never used: it holds argv.
  if (typeof error.code === 'string') {
    return new GitCommandError({
      subcommand,
      cwd,
      exitCode: null,
      stderr: '',
      timedOut: false,
      spawnError: error.code,
      secrets,
    });
  }
  const timedOut = error.killed === true && error.code == null;
  return new GitCommandError({
    subcommand,
    cwd,
    exitCode: typeof error.code === 'number' ? error.code : null,
    stderr: String(stderr ?? ''),
    timedOut,
    timeoutMs,
    secrets,
    stdout: String(stdout ?? ''),
  });
}

// Global options that take a separate value: `git -C dir -c k=v status` → `status`.
const GLOBAL_OPTS_WITH_VALUE = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path']);

function subcommandOf(args: string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (GLOBAL_OPTS_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (!arg.startsWith('-')) return arg;
  }
  return '(none)';
}
