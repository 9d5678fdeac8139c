import { InvalidRefError } from '../errors/invalid-ref.error';
import { runGit } from '../run-git';

/** One file of a change against its base, with the lines the change brings (numbered as in the new file). */
export interface ChangedFile {
  path: string;
  status: 'added' | 'modified' | 'renamed' | 'deleted';
  /** The path it had in the base, for a rename. */
  from?: string;
  /** Added lines; for a new or renamed file every line of it. */
  lines: Array<{ line: number; text: string }>;
}

/**
 * What HEAD adds on top of where it left `baseRef` (`origin/main`): added lines of every file, whole content
 * of new and renamed files (a file moved out of an allowed folder is judged where it lands), deleted files
 * listed without lines. Binary files are read as text, so a secret inside one is still found.
 */
export async function readChange(worktree: string, baseRef: string): Promise<ChangedFile[]> {
  if (baseRef.length === 0 || baseRef.startsWith('-'))
    throw new InvalidRefError('base ref', baseRef, 'it is empty or starts with "-" (git would read it as an option)');
  const range = `${baseRef}...HEAD`;
  const { stdout: status } = await runGit(
    ['diff', '--name-status', '-z', '--find-renames', '--no-color', range, '--'],
    {
      cwd: worktree,
    },
  );
  const files = parseNameStatus(status);
  if (files.length === 0) return [];
  const { stdout: patch } = await runGit(
    [
      '-c',
      'core.quotePath=false',
      'diff',
      '--no-color',
      '--no-ext-diff',
      '--text',
      '-U0',
      '--find-renames',
      range,
      '--',
    ],
    { cwd: worktree },
  );
  const added = addedLinesByPath(patch);
  for (const file of files) {
    if (file.status === 'renamed') {
      const { stdout } = await runGit(['show', `HEAD:${file.path}`], { cwd: worktree });
      file.lines = stdout.split('\n').map((text, i) => ({ line: i + 1, text }));
    } else if (file.status !== 'deleted') file.lines = added.get(file.path) ?? [];
  }
  return files;
}

/** `git diff --name-status -z`: `M\0path\0`, `R100\0old\0new\0`. */
function parseNameStatus(out: string): ChangedFile[] {
  const parts = out.split('\0');
  const files: ChangedFile[] = [];
  for (let i = 0; i < parts.length;) {
    const code = parts[i++] ?? '';
    if (!code) continue;
    if (code.startsWith('R') || code.startsWith('C')) {
      const from = parts[i++] ?? '';
      const to = parts[i++] ?? '';
      files.push({ path: to, from, status: code.startsWith('R') ? 'renamed' : 'added', lines: [] });
    } else {
      const p = parts[i++] ?? '';
      const status = code === 'A' ? 'added' : code === 'D' ? 'deleted' : 'modified';
      files.push({ path: p, status, lines: [] });
    }
  }
  return files;
}

/** The `+` lines of a `-U0` patch per new path, numbered from each hunk's `+start`. */
function addedLinesByPath(patch: string): Map<string, Array<{ line: number; text: string }>> {
  const byPath = new Map<string, Array<{ line: number; text: string }>>();
  let current: Array<{ line: number; text: string }> | null = null;
  let next = 0;
  // Between `diff --git` and the first hunk: an added line "++ x" reads "+++ x" in a hunk and is no header.
  let inHeader = false;
  for (const raw of patch.split('\n')) {
    if (raw.startsWith('diff --git ')) {
      current = null;
      inHeader = true;
      continue;
    }
    if (inHeader && raw.startsWith('+++ ')) {
      const target = raw.slice(4);
      if (target === '/dev/null') current = null;
      else {
        const p = unquote(target).replace(/^b\//, '');
        current = byPath.get(p) ?? [];
        byPath.set(p, current);
      }
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
    if (hunk) {
      inHeader = false;
      next = Number(hunk[1]);
      continue;
    }
    if (current && raw.startsWith('+')) current.push({ line: next++, text: raw.slice(1) });
  }
  return byPath;
}

/** git quotes a path holding a quote, backslash or control character C-style even with core.quotePath=false. */
function unquote(p: string): string {
  if (!p.startsWith('"') || !p.endsWith('"')) return p;
  const bytes: number[] = [];
  const body = p.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = body[++i] ?? '';
    if (/[0-7]/.test(n)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(simple[n] ?? n.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}
