import type { HostRegistry } from '@nightshift/state';

import { liveSlots } from './dispatch-capacity';

/**
 * Calls `grew(capability)` whenever a capability's live slots rise above what the last check saw: a host that
 * joins (or comes back, or a runner replica that starts) takes waiting tickets now, not at the next scan — with a
 * slow poll, or a scan that ran before any runner had registered, that would be minutes. Redis reads only; the
 * tracker is listed by the round `grew` starts, and only when slots grew.
 */
export function watchSlots(
  hosts: HostRegistry,
  capabilities: string[],
  grew: (capability: string) => void,
  everyMs: number,
  onError: (err: unknown) => void,
): { close: () => Promise<void> } {
  const seen = new Map<string, number>();
  let checking: Promise<void> | undefined;
  const check = async () => {
    for (const capability of capabilities) {
      const slots = await liveSlots(hosts, capability);
      const before = seen.get(capability);
      seen.set(capability, slots);
      if (before !== undefined && slots > before) grew(capability);
    }
  };
  const tick = () => {
    checking ??= check()
      .catch(onError)
      .finally(() => (checking = undefined));
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    close: async () => {
      clearInterval(timer);
      await checking;
    },
  };
}
