import type { AgentKind } from '@nightshift/agent';
import type { AccountConfig } from '@nightshift/config';
import { accountWait, AUTH_PAUSE_MS, pauseAccountForAuth } from '@nightshift/pause-policy';

import type { SessionDeps } from './session-deps';

export type AccountPick = { account: AccountConfig } | { waitMs: number; reason: string };

/**
 * The first agent account (of `kind`'s vendor when given) that is neither paused nor failing its pre-flight auth check. A failing
 * check pauses that account (spending nothing) and the next one is tried. With none left, how long
 * until the earliest pause ends.
 */
export async function pickAccount(deps: SessionDeps, now = new Date(), kind?: AgentKind): Promise<AccountPick> {
  const waits: Array<{ ms: number; reason: string }> = [];
  const accounts = deps.config.agent.accounts.filter(
    (a) => kind === undefined || (a.agent ?? deps.config.agent.kind) === kind,
  );
  for (const account of accounts) {
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
  const none = `no agent account configured${kind ? ` for ${kind}` : ''}`;
  const earliest = waits.sort((a, b) => a.ms - b.ms)[0] ?? { ms: 60_000, reason: none };
  return { waitMs: Math.max(1000, earliest.ms), reason: earliest.reason };
}
