import { openRedis } from '@nightshift/config';
import { EventLog } from '@nightshift/state';

import { transitionLine } from './transition-line';

/** Prints each new event of the stream as one readable line until stopped; waits out a Redis restart. */
export function followTransitions(url: string, out: (line: string) => void): { stop(): Promise<void> } {
  const redis = openRedis(url, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  const log = new EventLog(redis);
  let stopped = false;
  const done = (async () => {
    let last: string | undefined;
    while (!stopped) {
      try {
        // From the newest event at start: a restart of `up` does not replay the history (`nightshift events` does).
        last ??= (await log.recent(1)).at(-1)?.id ?? '0-0';
        for (const e of await log.follow(last, 1000)) {
          out(transitionLine(e));
          last = e.id;
        }
      } catch {
        if (!stopped) await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      redis.disconnect();
      await done;
    },
  };
}
