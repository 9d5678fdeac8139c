import type { NightshiftConfig } from '@nightshift/config';
import type { PauseScope } from '@nightshift/state';

import { BadDurationError, UnknownAccountError } from './errors/pause-input.error';

/** The pause scope a human named: intake, or an account that must exist in config. */
export function pauseScopeOf(config: NightshiftConfig, account: string | undefined): PauseScope {
  if (!account) return { kind: 'intake' };
  if (!config.agent.accounts.some((a) => a.name === account)) {
    throw new UnknownAccountError(
      `no agent account "${account}" in ${config.file} (known: ${config.agent.accounts.map((a) => a.name).join(', ')})`,
    );
  }
  return { kind: 'account', account };
}

/** `30m`, `2h`, `90s`, `1d` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(text.trim());
  if (!match) throw new BadDurationError(`"${text}" is not a duration like 90s, 30m, 2h or 1d`);
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
}
