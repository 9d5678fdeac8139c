import { existsSync } from 'node:fs';
import path from 'node:path';

import picomatch from 'picomatch';

import { runGit } from '../run-git';
import type { ChangedFile } from './read-change';
import type { GateFinding } from './scan-secrets';

/** Files that steer the agent or the CI rather than being the code: a change to one waits for a human by default. */
export const PROTECTED_GLOBS = [
  '.claude/**',
  '**/.claude/**',
  '.mcp.json',
  'CLAUDE.local.md',
  '.github/workflows/**',
  '.gitlab-ci.yml',
  '.gitlab-ci/**',
] as const;

export const PROTECTED_PATH_RULE = 'nightshift/protected-path';
export const CHECK_SCRIPT_RULE = 'nightshift/check-script';

// Runners whose `test`/`run x` reads the scripts of package.json.
const PACKAGE_RUNNERS = new Set(['npm', 'pnpm', 'yarn', 'bun', 'npx']);
const MAKE_FILES = ['Makefile', 'makefile', 'GNUmakefile'];

/**
 * The protected files a change touches (added, changed, renamed to or from, deleted): agent settings
 * (`.claude/`, `.mcp.json`), CI workflows, and what the repo's checks run — a check runs the
 * director's command line, but the agent can rewrite the script behind it (package.json "scripts" for
 * `npm test`, a Makefile for `make`, a script file named in the check's argv). `allow` globs exempt files.
 */
export async function protectedTouches(
  worktree: string,
  baseRef: string,
  files: ChangedFile[],
  opts: { checks: ReadonlyArray<readonly string[]>; allow: readonly string[] },
): Promise<GateFinding[]> {
  const isProtected = picomatch([...PROTECTED_GLOBS], { dot: true });
  const allowed = opts.allow.length ? picomatch([...opts.allow], { dot: true }) : () => false;
  const checkFiles = checkScriptFiles(worktree, opts.checks);
  const findings: GateFinding[] = [];
  for (const file of files) {
    for (const p of file.from ? [file.from, file.path] : [file.path]) {
      if (allowed(p)) continue;
      if (isProtected(p)) findings.push({ path: p, line: 0, rule: PROTECTED_PATH_RULE });
      else if (checkFiles.files.has(p)) findings.push({ path: p, line: 0, rule: CHECK_SCRIPT_RULE });
      else if (p === 'package.json' && checkFiles.packageScripts && (await scriptsChanged(worktree, baseRef)))
        findings.push({ path: p, line: 0, rule: CHECK_SCRIPT_RULE });
    }
  }
  return findings;
}

/** Which files the checks' commands read their instructions from. */
function checkScriptFiles(
  worktree: string,
  checks: ReadonlyArray<readonly string[]>,
): { files: Set<string>; packageScripts: boolean } {
  const files = new Set<string>();
  let packageScripts = false;
  for (const argv of checks) {
    const bin = path.basename(argv[0] ?? '');
    if (PACKAGE_RUNNERS.has(bin)) packageScripts = true;
    if (bin === 'make' || bin === 'gmake') MAKE_FILES.forEach((f) => files.add(f));
    for (const arg of argv) {
      if (arg.startsWith('-') || path.isAbsolute(arg)) continue;
      const rel = path.posix.normalize(arg.replace(/\\/g, '/'));
      if (rel.startsWith('..')) continue;
      if (existsSync(path.join(worktree, rel))) files.add(rel);
    }
  }
  return { files, packageScripts };
}

/** package.json's "scripts" differ between the base and HEAD (a dependency bump is no finding). */
async function scriptsChanged(worktree: string, baseRef: string): Promise<boolean> {
  const scriptsAt = async (rev: string): Promise<string> => {
    try {
      const { stdout } = await runGit(['show', `${rev}:package.json`], { cwd: worktree });
      return JSON.stringify((JSON.parse(stdout) as { scripts?: unknown }).scripts ?? null);
    } catch {
      return 'unreadable';
    }
  };
  const { stdout } = await runGit(['merge-base', baseRef, 'HEAD'], { cwd: worktree });
  return (await scriptsAt(stdout.trim())) !== (await scriptsAt('HEAD'));
}
