import { readFileSync, type Stats, unwatchFile, watchFile } from 'node:fs';

import { ConfigError } from './errors/config-error';
import { applyConfigChange, type ConfigChange, diffConfig } from './hot-reload';
import { type NightshiftConfig, parseConfig } from './load-config';

export interface ConfigWatcherHandlers {
  /**
   * A valid edit: `change.applied` is already in the live config; `change.needsRestart` is not. `edited` is the
   * whole edited file, restart-only keys included (e.g. the secret env names it declares, to redact at once).
   */
  onReloaded(change: ConfigChange, edited: NightshiftConfig): void;
  /** An edit that does not load: the last good config stays in force. */
  onRejected(reason: string): void;
}

/**
 * Watches nightshift.yaml and applies valid edits to the live config object in place. Polls the
 * file's stat (default every second) rather than using fs.watch: editors that save by rename and
 * bind-mounted files in containers both show up in a stat, not always in an inotify watch.
 */
export class ConfigWatcher {
  private lastText: string;
  private readonly listener = (curr: Stats, prev: Stats) => {
    if (curr.mtimeMs !== prev.mtimeMs || curr.size !== prev.size) this.check();
  };

  constructor(
    private readonly live: NightshiftConfig,
    private readonly handlers: ConfigWatcherHandlers,
    private readonly intervalMs = 1000,
  ) {
    this.lastText = readText(live.file) ?? '';
  }

  start(): void {
    watchFile(this.live.file, { interval: this.intervalMs, persistent: false }, this.listener);
  }

  stop(): void {
    unwatchFile(this.live.file, this.listener);
  }

  /** Reads the file now and applies or rejects it (the stat poll calls this on every change). */
  check(): void {
    const text = readText(this.live.file);
    if (text === undefined)
      return this.handlers.onRejected(`cannot read ${this.live.file}; the last good config stays in force`);
    if (text === this.lastText) return;
    this.lastText = text;
    let next: NightshiftConfig;
    try {
      next = parseConfig(text, this.live.file);
    } catch (err) {
      this.handlers.onRejected(err instanceof ConfigError ? err.message : String(err));
      return;
    }
    const change = diffConfig(this.live, next);
    if (change.applied.length === 0 && change.needsRestart.length === 0) return;
    applyConfigChange(this.live, next, change);
    this.handlers.onReloaded(change, next);
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
