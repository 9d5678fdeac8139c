import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The user's own cache folder for validated configs: `$XDG_CACHE_HOME/nightshift/config` (else `~/.cache/…`). */
export function defaultConfigCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env['XDG_CACHE_HOME'] && path.isAbsolute(env['XDG_CACHE_HOME'])
      ? env['XDG_CACHE_HOME']
      : path.join(os.homedir(), '.cache');
  return path.join(base, 'nightshift', 'config');
}

/**
 * Validated configs by content: a command whose nightshift.yaml has not changed since the last
 * validation reads the result back instead of loading yaml and zod and building the schema, which is
 * most of a short CLI command's start-up. The key covers the file's path, its text and the built
 * schema file (a rebuilt Nightshift never reads an entry an older schema wrote); only successes are
 * kept. A cached config decides what command runs as the agent: so the folder is used only when it is
 * the user's own (owned by this uid, mode 0700, not a symlink) and each entry only when it is a plain
 * 0600 file of this uid that names the key and file it was written for. Anything else is a miss.
 */
export class ConfigCache {
  constructor(private readonly dir = defaultConfigCacheDir()) {}

  read<T>(file: string, text: string): T | undefined {
    try {
      if (!this.dirIsPrivate()) return undefined;
      const key = this.key(file, text);
      // O_NOFOLLOW: a symlink planted as the entry is refused by the kernel, not followed.
      const fd = openSync(path.join(this.dir, `${key}.json`), constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        const s = fstatSync(fd);
        if (!s.isFile() || s.uid !== uid() || (s.mode & 0o777) !== 0o600) return undefined;
        const entry = JSON.parse(readFileSync(fd, 'utf8')) as { key?: unknown; file?: unknown; value?: unknown };
        if (entry.key !== key || entry.file !== file || typeof entry.value !== 'object' || entry.value === null) {
          return undefined;
        }
        return entry.value as T;
      } finally {
        closeSync(fd);
      }
    } catch {
      return undefined;
    }
  }

  write(file: string, text: string, value: unknown): void {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      if (!this.dirIsPrivate()) return;
      const key = this.key(file, text);
      const entry = path.join(this.dir, `${key}.json`);
      const tmp = `${entry}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ key, file, value }), { mode: 0o600, flag: 'wx' });
      renameSync(tmp, entry);
    } catch {
      // A cache that cannot be written only costs the next command its validation.
    }
  }

  /** Owned by this uid, 0700, a real directory (lstat: a symlink to one is refused). */
  private dirIsPrivate(): boolean {
    const s = lstatSync(this.dir, { throwIfNoEntry: false });
    return s !== undefined && s.isDirectory() && s.uid === uid() && (s.mode & 0o777) === 0o700;
  }

  private key(file: string, text: string): string {
    return createHash('sha256').update(file).update('\0').update(text).update('\0').update(schemaStamp()).digest('hex');
  }
}

function uid(): number {
  return process.getuid?.() ?? -1;
}

let stamp: string | undefined;
function schemaStamp(): string {
  if (stamp === undefined) {
    const schemaFile = require.resolve('./schema');
    const s = statSync(schemaFile);
    stamp = `${schemaFile}:${s.size}:${s.mtimeMs}`;
  }
  return stamp;
}
