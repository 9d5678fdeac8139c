import { GitCommandError } from './errors/git-command.error';
import { InvalidRefError } from './errors/invalid-ref.error';
import { assertBranchName, assertRemoteUrl } from './ref-name';
import { type GitOutput, runGit, type RunGitOptions } from './run-git';
import { gitLocation, type WorktreeRef } from './worktree-git';

/** git in the worktree `ref` names: its git dir and work tree explicit when the store gave them. */
function gitIn(ref: WorktreeRef, args: string[], opts: Omit<RunGitOptions, 'cwd'> = {}): Promise<GitOutput> {
  const at = gitLocation(ref);
  return runGit([...at.args, ...args], { ...opts, cwd: at.cwd });
}

/**
 * Stages every change (modified, deleted, untracked and not ignored: `git add -A`) and says whether the index
 * now differs from HEAD, i.e. whether there is anything to commit. One git call when `add` reports what it
 * staged; a second (`diff --cached --quiet`) only when it staged nothing new (the agent may have staged its
 * work itself). What is staged here is what a later `commitAll(…, { staged: true })` commits: files
 * written after this (build output of the checks) stay out of the PR.
 */
export async function stageChanges(worktreePath: WorktreeRef): Promise<boolean> {
  const { stdout } = await gitIn(worktreePath, ['add', '-A', '--verbose']);
  return stdout.trim().length > 0 || (await hasStagedChanges(worktreePath));
}

export interface CommitIdentity {
  name: string;
  email: string;
}

/**
 * Stages everything (unless `staged`: the caller ran stageChanges and commits exactly that) and commits it with
 * `message` exactly as given. The message travels as one argv entry,
 * so ticket text with `$(...)`, backticks or quotes is data, never shell. Repo hooks are skipped: they would
 * run repo code in the director's process, outside the agent's sandbox; CI checks the PR instead.
 * With `author`, it is both author and committer whatever git config or the environment says (a fleet's
 * commits must not appear under a person's global identity).
 * Returns committed: false (sha null) when there was nothing to commit.
 */
export async function commitAll(
  worktreePath: WorktreeRef,
  message: string,
  opts: { author?: CommitIdentity; staged?: boolean } = {},
): Promise<{ committed: boolean; sha: string | null }> {
  if (!opts.staged) await gitIn(worktreePath, ['add', '-A']);
  const a = opts.author;
  const env = a
    ? { GIT_AUTHOR_NAME: a.name, GIT_AUTHOR_EMAIL: a.email, GIT_COMMITTER_NAME: a.name, GIT_COMMITTER_EMAIL: a.email }
    : undefined;
  let stdout: string;
  try {
    // core.abbrev=40: the summary line names the full sha, so no `rev-parse HEAD` after it (one spawn less per ticket).
    ({ stdout } = await gitIn(
      worktreePath,
      ['-c', 'core.abbrev=40', 'commit', '--no-verify', '--no-gpg-sign', '--cleanup=verbatim', `--message=${message}`],
      { env },
    ));
  } catch (err) {
    // Exit 1 is commit's "nothing to commit" (hooks are off and the message is never empty); confirmed before saying so.
    if (err instanceof GitCommandError && err.exitCode === 1 && !(await hasStagedChanges(worktreePath)))
      return { committed: false, sha: null };
    throw err;
  }
  const sha =
    /^\[[^\]]* ([0-9a-f]{40})\]/m.exec(stdout)?.[1] ?? (await gitIn(worktreePath, ['rev-parse', 'HEAD'])).stdout.trim();
  return { committed: true, sha };
}

/** `git diff --stat` of HEAD against where it left `baseRef` (e.g. `origin/main`): what the PR changes. */
export async function diffStat(worktreePath: WorktreeRef, baseRef: string): Promise<string> {
  if (baseRef.length === 0 || baseRef.startsWith('-')) {
    throw new InvalidRefError('base ref', baseRef, 'it is empty or starts with "-" (git would read it as an option)');
  }
  const { stdout } = await gitIn(worktreePath, [
    'diff',
    '--no-ext-diff',
    '--no-textconv',
    '--stat=100',
    '--no-color',
    `${baseRef}...HEAD`,
    '--',
  ]);
  return stdout.trimEnd();
}

/** How many commits HEAD has that `baseRef` (e.g. `origin/main`) does not. */
export async function commitsAhead(worktreePath: WorktreeRef, baseRef: string): Promise<number> {
  if (baseRef.length === 0 || baseRef.startsWith('-')) {
    throw new InvalidRefError('base ref', baseRef, 'it is empty or starts with "-" (git would read it as an option)');
  }
  const { stdout } = await gitIn(worktreePath, ['rev-list', '--count', `${baseRef}..HEAD`, '--']);
  return Number.parseInt(stdout.trim(), 10);
}

/** The commit HEAD points at in the worktree. */
export async function headCommit(worktreePath: WorktreeRef): Promise<string> {
  return (await gitIn(worktreePath, ['rev-parse', 'HEAD'])).stdout.trim();
}

/** How a push authenticates: git config in the environment (never the URL or argv, which get logged). */
export interface PushOptions {
  timeoutMs?: number;
  env?: Record<string, string>;
  /** Values to scrub from the error besides the secret env vars (the token, its Basic header). */
  secrets?: readonly string[];
  /**
   * The branch must not exist on the remote yet (the session started it from the base without asking): the
   * push is refused (`stale info`) rather than overwrite a branch someone else made.
   */
  expectNew?: boolean;
  /**
   * The branch must still be at this commit on the remote (the one Nightshift last pushed): a rewrite such as a
   * rebase is refused (`stale info`) when someone else pushed to it since, never overwriting their commit.
   */
  lease?: string;
}

/**
 * The one push: force-pushes HEAD to `refs/heads/<branch>` of `remoteUrl`. Forced because the branch is the
 * ticket's own (`agent/<key>`) and a retry rewrites it; with `expectNew`, only when the branch is still absent.
 * A bad remote or branch is refused (InvalidRefError) before git runs; a failed push throws GitCommandError with
 * credentials and `secrets` redacted.
 */
export async function pushBranch(
  worktreePath: WorktreeRef,
  remoteUrl: string,
  branch: string,
  opts: PushOptions = {},
): Promise<void> {
  assertRemoteUrl(remoteUrl);
  assertBranchName(branch);
  if (opts.lease !== undefined && !/^[0-9a-f]{40}$/.test(opts.lease))
    throw new InvalidRefError('lease commit', opts.lease, 'a lease must name the full sha Nightshift last pushed');
  const force = opts.expectNew
    ? `--force-with-lease=refs/heads/${branch}:`
    : opts.lease
      ? `--force-with-lease=refs/heads/${branch}:${opts.lease}`
      : '--force';
  // --no-verify: no pre-push hook, whatever the hooks path says (the push token is in git's environment).
  await gitIn(
    worktreePath,
    ['push', '--no-verify', '--no-recurse-submodules', force, '--', remoteUrl, `HEAD:refs/heads/${branch}`],
    {
      timeoutMs: opts.timeoutMs,
      env: opts.env,
      secrets: opts.secrets,
    },
  );
}

async function hasStagedChanges(worktreePath: WorktreeRef): Promise<boolean> {
  try {
    await gitIn(worktreePath, ['diff', '--no-ext-diff', '--no-textconv', '--cached', '--quiet']);
    return false;
  } catch (err) {
    // --quiet exits 1 exactly when there are staged differences.
    if (err instanceof GitCommandError && err.exitCode === 1) return true;
    throw err;
  }
}
