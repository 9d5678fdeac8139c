import { GitCommandError } from './errors/git-command.error';
import { InvalidRefError } from './errors/invalid-ref.error';
import { type GitOutput, runGit } from './run-git';
import { gitLocation, type WorktreeRef } from './worktree-git';

function gitIn(ref: WorktreeRef, args: string[]): Promise<GitOutput> {
  const at = gitLocation(ref);
  return runGit([...at.args, ...args], { cwd: at.cwd });
}

/** How a PR's head stands against its base: behind it or not, and whether it still merges. */
export interface BaseStanding {
  baseSha: string;
  headSha: string;
  /** The base has commits the head lacks. */
  behind: boolean;
  /** `git merge-tree` merged the two without a conflict (true when not behind). */
  clean: boolean;
  /** Files the merge conflicts on. */
  conflicts: string[];
  /** The base's commits the head lacks, newest first (`<short sha> <subject>`), at most 20. */
  baseCommits: string[];
}

const MAX_BASE_COMMITS = 20;

function assertRef(what: string, ref: string): void {
  if (ref.length === 0 || ref.startsWith('-'))
    throw new InvalidRefError(what, ref, 'it is empty or starts with "-" (git would read it as an option)');
}

/**
 * Where `headRef` stands against `baseRef` in the repository at `cwd`, without touching any work tree:
 * `merge-base --is-ancestor` says whether the base moved past the head's fork point, `merge-tree --write-tree`
 * (git 2.38+) whether the two still merge and on which files they conflict.
 */
export async function baseStanding(cwd: string, baseRef: string, headRef: string): Promise<BaseStanding> {
  assertRef('base ref', baseRef);
  assertRef('head ref', headRef);
  const sha = async (ref: string) =>
    (await runGit(['rev-parse', '--verify', `${ref}^{commit}`], { cwd })).stdout.trim();
  const [baseSha, headSha] = [await sha(baseRef), await sha(headRef)];
  const behind = !(await succeeds(cwd, ['merge-base', '--is-ancestor', baseSha, headSha]));
  if (!behind) return { baseSha, headSha, behind, clean: true, conflicts: [], baseCommits: [] };
  const baseCommits = (
    await runGit(['log', '--format=%h %s', `--max-count=${MAX_BASE_COMMITS}`, `${headSha}..${baseSha}`, '--'], { cwd })
  ).stdout
    .split('\n')
    .filter(Boolean);
  try {
    await runGit(['merge-tree', '--write-tree', '--name-only', '--no-messages', baseSha, headSha], { cwd });
    return { baseSha, headSha, behind, clean: true, conflicts: [], baseCommits };
  } catch (err) {
    // Exit 1 is merge-tree's "the merge has conflicts"; its output is the tree, then the conflicted files.
    if (!(err instanceof GitCommandError) || err.exitCode !== 1) throw err;
    const conflicts = [...new Set(err.stdout.split('\n').slice(1).filter(Boolean))];
    return { baseSha, headSha, behind, clean: false, conflicts, baseCommits };
  }
}

/**
 * Rebases the checked-out branch at `cwd` onto `baseRef` (commits keep their authors; `committer` commits them
 * anew). Returns the new head, or null when the rebase stopped on a conflict (then aborted: the branch is as it was).
 */
export async function rebaseOnto(
  cwd: string,
  baseRef: string,
  committer: { name: string; email: string },
): Promise<string | null> {
  assertRef('base ref', baseRef);
  const env = { GIT_COMMITTER_NAME: committer.name, GIT_COMMITTER_EMAIL: committer.email };
  try {
    await runGit(['rebase', '--no-autosquash', '--no-update-refs', baseRef], { cwd, env });
  } catch (err) {
    if (!(err instanceof GitCommandError)) throw err;
    await runGit(['rebase', '--abort'], { cwd }).catch(() => undefined);
    return null;
  }
  return (await runGit(['rev-parse', 'HEAD'], { cwd })).stdout.trim();
}

/** What a merge of the base into a branch left for someone to resolve. */
export interface MergeConflicts {
  files: string[];
  /** The base's commits the branch lacked, newest first (`<short sha> <subject>`), at most 20. */
  baseCommits: string[];
  /** Each conflicted file's conflict regions (markers included), cut to `maxBytes` in all. */
  hunks: { file: string; text: string }[];
}

/**
 * Merges `baseRef` into the checked-out branch at `cwd` without committing (`--no-commit --no-ff`), leaving any
 * conflict markers in the files for a session to resolve; the session's commit then concludes the merge. Returns
 * the conflicted files and their regions (none when the merge went through cleanly).
 */
export async function mergeBaseForResolution(
  wt: WorktreeRef,
  baseRef: string,
  maxBytes = 6000,
): Promise<MergeConflicts> {
  assertRef('base ref', baseRef);
  const baseCommits = (
    await gitIn(wt, ['log', '--format=%h %s', `--max-count=${MAX_BASE_COMMITS}`, `HEAD..${baseRef}`, '--'])
  ).stdout
    .split('\n')
    .filter(Boolean);
  try {
    await gitIn(wt, ['merge', '--no-commit', '--no-ff', '--no-edit', baseRef]);
  } catch (err) {
    // Exit 1 with unmerged paths is the conflict this is for; anything else is a real failure.
    if (!(err instanceof GitCommandError) || err.exitCode !== 1) throw err;
  }
  const files = (await gitIn(wt, ['diff', '--name-only', '--diff-filter=U'])).stdout.split('\n').filter(Boolean);
  const hunks: { file: string; text: string }[] = [];
  let left = maxBytes;
  for (const file of files) {
    const { stdout } = await gitIn(wt, ['diff', '--no-ext-diff', '--no-color', '--', file]);
    const text = stdout.length > left ? `${stdout.slice(0, Math.max(0, left))}\n[…cut]` : stdout;
    left -= text.length;
    hunks.push({ file, text });
  }
  return { files, baseCommits, hunks };
}

async function succeeds(cwd: string, args: string[]): Promise<boolean> {
  try {
    await runGit(args, { cwd });
    return true;
  } catch (err) {
    if (err instanceof GitCommandError && err.exitCode === 1) return false;
    throw err;
  }
}
