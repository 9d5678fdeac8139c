import * as fs from 'node:fs';
import * as path from 'node:path';

import { UnsafePathError } from './errors/unsafe-path.error';
import { assertSafeName } from './store-layout';

/**
 * Resolves `candidate` and `root` to their real paths (every symlink followed) and returns the real path of
 * `candidate` when it lies strictly under `root`. Throws UnsafePathError when it is outside, is the root
 * itself, or does not exist (a path that cannot be resolved cannot be proven safe).
 */
export async function assertInsideRoot(root: string, candidate: string): Promise<string> {
  const realRoot = await realpathOr(root, () => {
    throw new UnsafePathError('worktree root', root, 'it does not exist');
  });
  const real = await realpathOr(candidate, () => {
    throw new UnsafePathError('worktree path', candidate, 'it does not exist');
  });
  const rel = path.relative(realRoot, real);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new UnsafePathError(
      'worktree path',
      candidate,
      `it resolves to ${real}, which is not under the worktree root ${realRoot}`,
    );
  }
  return real;
}

/** What must hold before a hook or an agent runs in a worktree. */
export interface LaunchTarget {
  /** The worktree root of this host (`config.paths.worktrees`). */
  root: string;
  /** The sanitized key the worktree was created for (safeKey() of the ticket). */
  worktreeKey: string;
  /** The worktree path the worktree-manager returned. */
  worktreePath: string;
  /** The directory the process is about to be started in. */
  cwd: string;
}

/**
 * The safety invariants checked before every hook and every agent launch: the key is a plain
 * `[A-Za-z0-9._-]` token naming the worktree's directory, the worktree's real path (symlinks resolved) lies
 * under the root, and the process's cwd is that worktree, not a parent or a sibling. Returns the real path.
 * Throws UnsafePathError naming the broken invariant.
 */
export async function assertSafeLaunch(target: LaunchTarget): Promise<string> {
  assertSafeName('worktree key', target.worktreeKey);
  if (path.basename(path.resolve(target.worktreePath)) !== target.worktreeKey) {
    throw new UnsafePathError(
      'worktree key',
      target.worktreeKey,
      `it does not name the worktree ${target.worktreePath}`,
    );
  }
  const real = await assertInsideRoot(target.root, target.worktreePath);
  const realCwd = await realpathOr(target.cwd, () => {
    throw new UnsafePathError('cwd', target.cwd, 'it does not exist');
  });
  if (realCwd !== real) {
    throw new UnsafePathError('cwd', target.cwd, `it resolves to ${realCwd}, not to the worktree ${real}`);
  }
  return real;
}

async function realpathOr(p: string, onMissing: () => never): Promise<string> {
  try {
    return await fs.promises.realpath(p);
  } catch {
    return onMissing();
  }
}
