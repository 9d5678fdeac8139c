import { type BigIntStats, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

interface Entry {
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  text: string;
}

/**
 * The text of small files, re-read only when a file changed. A scan lists the whole board on every
 * change signal; re-reading every ticket file each time (open, fstat, read, close on the thread pool)
 * was most of the scanner's CPU. A change always shows in the stat: writes replace the file by a rename
 * (a new inode), and an edit in place moves mtime and ctime. The stat is synchronous: one syscall on a
 * local directory costs less than a round trip through the thread pool. Callers parse the text
 * themselves, so no caller can change another's copy.
 */
export class FileTextCache {
  private readonly entries = new Map<string, Entry>();

  /** The file's text, or undefined when it does not exist; other read errors are thrown. */
  async read(file: string): Promise<string | undefined> {
    let stat: BigIntStats;
    try {
      stat = statSync(file, { bigint: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.entries.delete(file);
        return undefined;
      }
      throw err;
    }
    const hit = this.entries.get(file);
    if (
      hit &&
      hit.ino === stat.ino &&
      hit.size === stat.size &&
      hit.mtimeNs === stat.mtimeNs &&
      hit.ctimeNs === stat.ctimeNs
    )
      return hit.text;
    const text = await readFile(file, 'utf8');
    // Keyed by the stat taken before the read: a write racing the read leaves a stale key, so the next read reads again.
    this.entries.set(file, { ino: stat.ino, size: stat.size, mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs, text });
    return text;
  }

  /** Forgets files not in `keep` (tickets deleted from the board). */
  retainOnly(keep: ReadonlySet<string>): void {
    if (this.entries.size <= keep.size) return;
    for (const file of this.entries.keys()) if (!keep.has(file)) this.entries.delete(file);
  }
}
