/** One entry of `git worktree list --porcelain -z`. */
export interface RegisteredWorktree {
  path: string;
  /** Short branch name (`agent/ENG-1`), null when detached or bare. */
  branch: string | null;
  bare: boolean;
  /** git considers the entry stale (its directory or `.git` file is gone). */
  prunable: boolean;
  locked: boolean;
}

/** Parses `git worktree list --porcelain -z`: NUL-terminated attribute lines, an empty one between entries. */
export function parseWorktreeList(output: string): RegisteredWorktree[] {
  const entries: RegisteredWorktree[] = [];
  let current: RegisteredWorktree | null = null;
  for (const field of output.split('\0')) {
    if (field === '') {
      if (current) entries.push(current);
      current = null;
      continue;
    }
    const space = field.indexOf(' ');
    const label = space === -1 ? field : field.slice(0, space);
    const value = space === -1 ? '' : field.slice(space + 1);
    if (label === 'worktree') {
      if (current) entries.push(current);
      current = { path: value, branch: null, bare: false, prunable: false, locked: false };
      continue;
    }
    if (!current) continue;
    if (label === 'branch') current.branch = value.replace(/^refs\/heads\//, '');
    else if (label === 'bare') current.bare = true;
    else if (label === 'prunable') current.prunable = true;
    else if (label === 'locked') current.locked = true;
  }
  if (current) entries.push(current);
  return entries;
}
