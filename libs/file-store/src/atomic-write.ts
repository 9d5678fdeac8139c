import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Replaces `file` with `data` so readers see either the old or the new content, never a torn
 * write: temp file in the same directory (same filesystem, so rename is atomic), fsync, rename,
 * then fsync the directory so the rename itself survives a power cut.
 * `beforeRename` runs just before the commit point (used to re-check that a lock is still ours).
 */
export async function writeFileAtomic(file: string, data: string, beforeRename?: () => void): Promise<void> {
  const dir = path.dirname(file);
  // Dot-prefixed and not ending in .json, so listings and watchers ignore half-written files.
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx', 0o644);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    beforeRename?.();
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms (Windows, some network filesystems) cannot fsync a directory; the rename is still atomic there.
  }
}
