import type { AccountConfig } from '@nightshift/config';
import { pauseScope } from '@nightshift/wiring';
import type { SessionDeps } from './session-deps';

/** How long an account whose auth failed stays paused before the pre-flight check runs again. */
export const AUTH_PAUSE_MS = 10 * 60_000;

export type AccountPick = { account: AccountConfig } | { waitMs: number; reason: string };

/**
 * The first agent account that is neither paused nor failing its pre-flight auth check. A failing
 * check pauses that account (spending nothing) and the next one is tried. With none left, how long
 * until the earliest pause ends.
 */
export async function pickAccount(deps: SessionDeps, now = new Date()): Promise<AccountPick> {
  const waits: Array<{ ms: number; reason: string }> = [];
  for (const account of deps.config.agent.accounts) {
    const scope = { kind: 'account' as const, account: account.name };
    const pause = await deps.pauses.get(scope, now);
    if (pause) {
      waits.push({ ms: pause.until ? Date.parse(pause.until) - now.getTime() : 60_000, reason: `account ${account.name} paused: ${pause.reason}` });
      continue;
    }
    const auth = await deps.auth.check(account, now.getTime());
    if (auth.ok) return { account };
    await pauseScope(deps, scope, new Date(now.getTime() + AUTH_PAUSE_MS), `pre-flight auth failed: ${auth.reason}`, deps.host);
    waits.push({ ms: AUTH_PAUSE_MS, reason: auth.reason });
  }
  const earliest = waits.sort((a, b) => a.ms - b.ms)[0] ?? { ms: 60_000, reason: 'no agent account configured' };
  return { waitMs: Math.max(1000, earliest.ms), reason: earliest.reason };
}
