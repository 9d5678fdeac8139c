import type { AccountConfig } from '@nightshift/config';
import { accountWait, pauseAccountForAuth, AUTH_PAUSE_MS } from '@nightshift/pause-policy';
import type { SessionDeps } from './session-deps';

export type AccountPick = { account: AccountConfig } | { waitMs: number; reason: string };

/**
 * The first agent account that is neither paused nor failing its pre-flight auth check. A failing
 * check pauses that account (spending nothing) and the next one is tried. With none left, how long
 * until the earliest pause ends.
 */
export async function pickAccount(deps: SessionDeps, now = new Date()): Promise<AccountPick> {
  const waits: Array<{ ms: number; reason: string }> = [];
  for (const account of deps.config.agent.accounts) {
    const paused = await accountWait(deps.pauses, account.name, now);
    if (paused) {
      waits.push({ ms: paused.waitMs, reason: `account ${account.name} paused: ${paused.reason}` });
      continue;
    }
    const auth = await deps.auth.check(account, now.getTime());
    if (auth.ok) return { account };
    await pauseAccountForAuth(deps, account.name, auth.reason, deps.host, now);
    waits.push({ ms: AUTH_PAUSE_MS, reason: auth.reason });
  }
  const earliest = waits.sort((a, b) => a.ms - b.ms)[0] ?? { ms: 60_000, reason: 'no agent account configured' };
  return { waitMs: Math.max(1000, earliest.ms), reason: earliest.reason };
}
