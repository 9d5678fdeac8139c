import * as fs from 'node:fs';

import { redactSecrets } from '@nightshift/domain';

import type { GitRunner } from './mirror';
import { runGit } from './run-git';
import { assertSafeName } from './store-layout';

/** The git runner of a store: runGit plus the store's observers (before: argv without credentials; after: timing). */
export function observedGitRunner(opts: {
  onGitCommand?: (args: string[], cwd: string) => void;
  onGitTiming?: (op: string, seconds: number, ok: boolean) => void;
}): GitRunner {
  const observe = opts.onGitCommand;
  const timing = opts.onGitTiming;
  return async (args, cwd, timeoutMs) => {
    observe?.(
      args.map((arg) => redactSecrets(arg)),
      cwd,
    );
    const started = process.hrtime.bigint();
    let ok = false;
    try {
      const out = await runGit(args, { cwd, timeoutMs });
      ok = true;
      return out;
    } finally {
      timing?.(gitOp(args), Number(process.hrtime.bigint() - started) / 1e9, ok);
    }
  };
}

/** Metric label for a git command: its subcommand (after `-c k=v`), and the worktree verb (`worktree_add`). */
function gitOp(args: string[]): string {
  let i = 0;
  while (args[i] === '-c') i += 2;
  const first = args[i] ?? 'none';
  const second = args[i + 1];
  return first === 'worktree' && second ? `worktree_${second}` : first;
}

/** True when something (even a dangling symlink) is at `p`. */
export async function exists(p: string): Promise<boolean> {
  return fs.promises.lstat(p).then(
    () => true,
    () => false,
  );
}

/** Directory entries that are safe names (anything else was not made by the store and is left alone). */
export async function safeEntries(dir: string): Promise<string[]> {
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => {
    try {
      assertSafeName('worktree key', n);
      return true;
    } catch {
      return false;
    }
  });
}
