import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * A template file a repo provides (`promptTemplate`, `prTemplate`), read from the worktree; one that
 * is missing or resolves outside the repository fails with the config key to fix.
 */
export async function readRepoTemplate(
  worktree: string,
  file: string,
  repo: string,
  key: 'promptTemplate' | 'prTemplate',
): Promise<{ text: string; source: string }> {
  const root = await realpath(worktree);
  const resolved = await realpath(path.join(root, file)).catch(() => null);
  if (!resolved || !resolved.startsWith(root + path.sep)) {
    const what = key === 'promptTemplate' ? 'prompt template' : 'PR template';
    throw new Error(`${what} ${repo}:${file} not found inside the repository: fix repos[].${key} in nightshift.yaml`);
  }
  return { text: await readFile(resolved, 'utf8'), source: `${repo}:${file}` };
}
