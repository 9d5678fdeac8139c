import { redactSecrets, secretValuesFromEnv } from '@nightshift/domain';
import { GitCommandError, pushBranch as gitPush, type WorktreeRef } from '@nightshift/git';

import { PushFailedError } from './errors';

/** Credentials for a push, given to git through its environment (never the URL or argv, which get logged). */
export interface PushAuth {
  env?: NodeJS.ProcessEnv;
  /** Values to scrub from any output quoted in errors. */
  secrets?: string[];
}

export interface PushInput {
  repo: string;
  remoteUrl: string;
  worktreePath: WorktreeRef;
  branch: string;
  /** The branch must still be absent on the remote (see libs/git pushBranch). */
  expectNew?: boolean;
  /** Rewrite the branch only while it is still at this commit (the one Nightshift last pushed); see libs/git pushBranch. */
  lease?: string;
}

/**
 * A forge's push: libs/git's `pushBranch` (force, no prompt, refuses option-like remotes and bad branch
 * names with a TypeError), with a failure reported as PushFailedError naming the repo and branch.
 */
export async function pushBranch(input: PushInput, timeoutMs: number, auth: PushAuth = {}): Promise<void> {
  const { repo, remoteUrl, worktreePath, branch } = input;
  const secrets = (auth.secrets ?? []).filter((s) => s.length > 0);
  const env = Object.fromEntries(
    Object.entries(auth.env ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  try {
    await gitPush(worktreePath, remoteUrl, branch, {
      timeoutMs,
      env,
      secrets,
      ...(input.expectNew ? { expectNew: true } : {}),
      ...(input.lease ? { lease: input.lease } : {}),
    });
  } catch (err) {
    if (!(err instanceof GitCommandError)) throw err;
    const output = err.timedOut ? `timed out after ${timeoutMs} ms` : err.stderr || err.message;
    throw new PushFailedError(repo, branch, redactSecrets(remoteUrl, [...secretValuesFromEnv(), ...secrets]), output, {
      leaseRefused: input.lease !== undefined && /stale info|fetch first|rejected/.test(output),
    });
  }
}
