import { chmodSync, lstatSync, mkdirSync } from 'node:fs';

/** Mode of every folder Nightshift keeps state or logs in: its own user only. */
export const PRIVATE_DIR_MODE = 0o700;
/** Mode of every file Nightshift writes there (logs, URLs with credentials, records). */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * The one policy for Nightshift's own folders (data dir, logs, embedded Redis): created if missing and made
 * 0700 even when an earlier version left them 0755, so session output, records and Redis files are not
 * readable by other local users. A symlink is not followed and its target not changed (it was put there by
 * whoever set up the host, on purpose).
 */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const stat = lstatSync(dir);
  if (stat.isDirectory() && (stat.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(dir, PRIVATE_DIR_MODE);
}
