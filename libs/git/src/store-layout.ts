import * as fs from 'node:fs';
import * as path from 'node:path';

import { UnsafePathError } from './errors/unsafe-path.error';

const SAFE_TOKEN = /^[A-Za-z0-9._-]+$/;
/** Longest accepted worktree key / repo name (safeKey() output is at most 73). */
export const MAX_NAME_LENGTH = 128;

/** Throws UnsafePathError unless `value` is a single safe path component. */
export function assertSafeName(kind: 'worktree key' | 'repo name', value: string): void {
  if (!SAFE_TOKEN.test(value))
    throw new UnsafePathError(kind, value, 'only letters, digits, ".", "_" and "-" are allowed');
  if (value === '.' || value === '..') throw new UnsafePathError(kind, value, 'it names a directory, not an entry');
  if (value.length > MAX_NAME_LENGTH)
    throw new UnsafePathError(kind, value, `it is longer than ${MAX_NAME_LENGTH} characters`);
}

/**
 * Where everything lives under a store root: `mirrors/<repo>.git`, `worktrees/<repo>/<key>`, `locks/`.
 * The root is resolved to its real path once, so the paths handed to git equal the ones git reports back.
 */
export class StoreLayout {
  readonly root: string;
  readonly mirrorsDir: string;
  readonly worktreesDir: string;
  readonly locksDir: string;

  constructor(root: string) {
    const absolute = path.resolve(root);
    for (const dir of ['mirrors', 'worktrees', 'locks']) fs.mkdirSync(path.join(absolute, dir), { recursive: true });
    this.root = fs.realpathSync(absolute);
    this.mirrorsDir = path.join(this.root, 'mirrors');
    this.worktreesDir = path.join(this.root, 'worktrees');
    this.locksDir = path.join(this.root, 'locks');
  }

  mirrorPath(repo: string): string {
    assertSafeName('repo name', repo);
    return path.join(this.mirrorsDir, `${repo}.git`);
  }

  repoWorktreesDir(repo: string): string {
    assertSafeName('repo name', repo);
    return path.join(this.worktreesDir, repo);
  }

  worktreePath(repo: string, key: string): string {
    assertSafeName('worktree key', key);
    return path.join(this.repoWorktreesDir(repo), key);
  }

  /**
   * Checks that what is on disk keeps the worktree path under `<root>/worktrees`: the repo directory and an
   * existing entry must not be symlinks leading elsewhere. Creates the repo directory when `create` is set.
   */
  async assertContained(repo: string, key: string, create: boolean): Promise<string> {
    const repoDir = this.repoWorktreesDir(repo);
    const target = this.worktreePath(repo, key);
    if (create) await fs.promises.mkdir(repoDir, { recursive: true });
    const realRepoDir = await realpathOrNull(repoDir);
    if (realRepoDir !== null && realRepoDir !== repoDir) {
      throw new UnsafePathError(
        'repo name',
        repo,
        `${repoDir} resolves to ${realRepoDir}, outside ${this.worktreesDir}`,
      );
    }
    const stat = await fs.promises.lstat(target).catch(() => null);
    if (stat?.isSymbolicLink()) {
      throw new UnsafePathError(
        'worktree key',
        key,
        `${target} is a symlink; remove it by hand if it is not an attack`,
      );
    }
    return target;
  }
}

async function realpathOrNull(p: string): Promise<string | null> {
  try {
    return await fs.promises.realpath(p);
  } catch {
    return null;
  }
}
