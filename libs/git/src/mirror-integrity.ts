import * as fs from 'node:fs';
import * as path from 'node:path';

import { MirrorTamperedError } from './errors/mirror-tampered.error';
import { ORIGIN_REFSPEC } from './mirror';
import { runGit } from './run-git';
import type { WorktreeGit } from './worktree-git';

// What Nightshift's own `clone --bare` and `config remote.origin.fetch` leave in a mirror's config (plus what git
// writes by itself on some file systems). Anything else — a filter or diff driver an attribute can select, an
// include, an url.*.insteadOf, a worktree config extension — was written by someone else.
const ALLOWED_KEYS = new Set([
  'core.repositoryformatversion',
  'core.filemode',
  'core.bare',
  'core.logallrefupdates',
  'core.ignorecase',
  'core.precomposeunicode',
  'core.symlinks',
  'remote.origin.url',
  'remote.origin.fetch',
]);

/**
 * Checks the mirror that `wt` shares with every other worktree of its repo against what Nightshift writes:
 * config keys (above), no active hook (only git's `*.sample` files), no attributes file, no per-worktree config.
 * Runs before each commit and push; throws MirrorTamperedError naming what it found.
 */
export async function assertMirrorIntact(wt: WorktreeGit): Promise<void> {
  const findings = [
    ...(await configFindings(wt.mirror)),
    ...(await hookFindings(path.join(wt.mirror, 'hooks'))),
    ...(await presentFiles([path.join(wt.mirror, 'info', 'attributes'), path.join(wt.gitDir, 'config.worktree')])),
  ];
  if (findings.length > 0) throw new MirrorTamperedError(wt.mirror, findings);
}

async function configFindings(mirror: string): Promise<string[]> {
  const file = path.join(mirror, 'config');
  const stat = await fs.promises.lstat(file).catch(() => null);
  if (!stat?.isFile()) return [`${file} is not a plain file`];
  let listed: string;
  try {
    ({ stdout: listed } = await runGit(['config', '--null', '--file', file, '--list'], { cwd: mirror }));
  } catch {
    return [`${file} does not parse`];
  }
  const findings: string[] = [];
  for (const entry of listed.split('\0').filter((e) => e.length > 0)) {
    const newline = entry.indexOf('\n');
    const key = (newline < 0 ? entry : entry.slice(0, newline)).toLowerCase();
    const value = newline < 0 ? '' : entry.slice(newline + 1);
    if (!ALLOWED_KEYS.has(key)) findings.push(`config key ${key}`);
    else if (key === 'remote.origin.fetch' && value !== ORIGIN_REFSPEC) findings.push(`config ${key}=${value}`);
    else if (key === 'core.bare' && value !== 'true') findings.push(`config ${key}=${value}`);
  }
  return findings;
}

async function hookFindings(hooksDir: string): Promise<string[]> {
  const stat = await fs.promises.lstat(hooksDir).catch(() => null);
  if (stat === null) return [];
  if (!stat.isDirectory()) return [`${hooksDir} is not a directory`];
  const names = await fs.promises.readdir(hooksDir);
  return names.filter((n) => !n.endsWith('.sample')).map((n) => `hook ${n}`);
}

async function presentFiles(files: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const file of files) if (await fs.promises.lstat(file).catch(() => null)) found.push(`file ${file}`);
  return found;
}
