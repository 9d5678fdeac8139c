import type { NightshiftConfig } from '@nightshift/config';
import type { Command } from 'commander';

import { BadInputError } from './errors/bad-input.error';
import { NotRunningError } from './errors/not-running.error';
import { RedisGaveUpError } from './errors/redis-gave-up.error';
import { SetupBrokenError } from './errors/setup-broken.error';

/**
 * Wraps a command action: loads `--config` (from the root program), turns known errors into one clear
 * line on stderr and exit code 2 instead of a stack trace.
 */
export function withConfig<O, A extends string[]>(
  action: (config: NightshiftConfig, opts: O, ...args: A) => Promise<void>,
): (...raw: unknown[]) => Promise<void> {
  return async (...raw: unknown[]) => {
    const command = raw[raw.length - 1] as Command;
    const opts = command.opts() as O;
    const args = raw.slice(0, raw.length - 2) as A;
    const root = rootOf(command);
    // Required here rather than at the top so `--help` never loads zod and yaml.
    const { ConfigError, loadConfig } = require('@nightshift/config') as typeof import('@nightshift/config');
    try {
      const config = loadConfig(root.opts<{ config: string }>().config);
      await action(config, opts, ...args);
    } catch (err) {
      const oneLine =
        err instanceof ConfigError ||
        err instanceof BadInputError ||
        err instanceof NotRunningError ||
        err instanceof RedisGaveUpError ||
        err instanceof SetupBrokenError;
      const message = oneLine ? err.message : err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      process.stderr.write(`nightshift: ${message}\n`);
      process.exitCode = 2;
    }
  };
}

function rootOf(command: Command): Command {
  let c = command;
  while (c.parent) c = c.parent;
  return c;
}
