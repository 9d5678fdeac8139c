import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { runGit } from '../run-git';

const DEFAULT_FILES: Record<string, string> = { 'README.md': '# test remote\n' };

/**
 * Test helper: creates a bare repository at `dir` (created if missing, must be empty) with one commit on
 * `main` holding `files` (path → content, nested paths allowed). Returns the absolute path, usable as a
 * remote URL.
 */
export async function makeBareRemote(dir: string, files: Record<string, string> = DEFAULT_FILES): Promise<string> {
  const remote = path.resolve(dir);
  await fs.promises.mkdir(remote, { recursive: true });
  await runGit(['init', '--quiet', '--bare', '--initial-branch=main', remote], { cwd: remote });
  const seed = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'nightshift-seed-'));
  try {
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(seed, file);
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      await fs.promises.writeFile(target, content);
    }
    // Commit straight into the bare repo with a throwaway work tree: no clone, no push.
    const inRemote = ['--git-dir', remote, '--work-tree', seed];
    await runGit([...inRemote, 'add', '-A'], { cwd: seed });
    await runGit([...inRemote, 'commit', '--quiet', '--no-verify', '--allow-empty', '-m', 'initial commit'], {
      cwd: seed,
    });
    await fs.promises.rm(path.join(remote, 'index'), { force: true });
  } finally {
    await fs.promises.rm(seed, { recursive: true, force: true });
  }
  return remote;
}
