import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';

import type { RulesFile } from './build-prompt';

/** The repo's rules files (CLAUDE.md, AGENTS.md, ...) that exist in the worktree; a symlink out of it is ignored. */
export async function readRules(worktree: string, names: string[]): Promise<RulesFile[]> {
  const root = await realpath(worktree);
  const found: RulesFile[] = [];
  for (const name of names) {
    try {
      const file = await realpath(path.join(root, name));
      if (!file.startsWith(root + path.sep)) continue;
      found.push({ name, content: await readFile(file, 'utf8') });
    } catch {
      // absent: most repos have one of the two, not both
    }
  }
  return found;
}
