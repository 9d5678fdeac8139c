import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { assertBranchName } from '@nightshift/git';
import { PushFailedError } from './errors';

const run = promisify(execFile);

/** Credentials for a push, given to git through its environment (never the URL or argv, which get logged). */
export interface PushAuth {
  env?: NodeJS.ProcessEnv;
  /** Values to scrub from any output quoted in errors. */
  secrets?: string[];
}

export interface PushInput {
  repo: string;
  remoteUrl: string;
  worktreePath: string;
  branch: string;
}

/**
 * Force-pushes the worktree's HEAD to `refs/heads/<branch>` on `remoteUrl`. Force because the
 * branch belongs to Nightshift: a retried session replaces its own earlier attempt.
 * (libs/git will own pushing eventually; this stays a private helper until then.)
 */
export async function pushBranch(input: PushInput, timeoutMs: number, auth: PushAuth = {}): Promise<void> {
  const { repo, remoteUrl, worktreePath, branch } = input;
  if (!remoteUrl || remoteUrl.startsWith('-')) throw new TypeError(`pushBranch: invalid remote URL ${JSON.stringify(remoteUrl)}.`);
  assertValidBranch(branch);
  // Never prompt: a push that needs a password must fail, not hang a session.
  const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', ...auth.env };
  const redact = (text: string) => (auth.secrets ?? []).filter((s) => s.length > 0).reduce((out, secret) => out.split(secret).join('[redacted]'), redactCredentials(text));
  try {
    await run('git', ['push', '--force', '--', remoteUrl, `HEAD:refs/heads/${branch}`], {
      cwd: worktreePath,
      env,
      timeout: timeoutMs,
      maxBuffer: 4 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stderr?: string; message?: string; killed?: boolean };
    const output = e.killed ? `timed out after ${timeoutMs} ms` : e.stderr || e.message || String(err);
    // The cause (execFile's error) carries the full env, token included: it is not attached.
    throw new PushFailedError(repo, branch, redact(remoteUrl), redact(output));
  }
}

function assertValidBranch(branch: string): void {
  if (!branch || branch.startsWith('-')) throw new TypeError(`pushBranch: invalid branch name ${JSON.stringify(branch)}.`);
  // git check-ref-format's rules, checked in-process (libs/git): one process spawn less per ticket.
  try {
    assertBranchName(branch);
  } catch {
    throw new TypeError(`pushBranch: ${JSON.stringify(branch)} is not a valid git branch name.`);
  }
}

const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi;

/** Strips `user:token@` from URLs in `text` so error messages and logs never carry credentials. */
export function redactCredentials(text: string): string {
  return text.replace(URL_USERINFO, '$1***@');
}
