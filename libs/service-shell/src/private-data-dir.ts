import type { NightshiftConfig } from '@nightshift/config';
import { makePrivateDir } from '@nightshift/file-store';

/**
 * Makes the data dir and its logs folder private (0700, see makePrivateDir): nothing under the data dir (session
 * logs, run records, the local board and forge, worktrees, the embedded Redis' AOF, whose folder startEmbeddedRedis
 * makes private too) is reachable by other local users, whatever mode a file inside has. Called by every service
 * at boot and by `up`.
 */
export function makeDataDirPrivate(config: Pick<NightshiftConfig, 'dataDir' | 'paths'>): void {
  makePrivateDir(config.dataDir);
  makePrivateDir(config.paths.logs);
}
