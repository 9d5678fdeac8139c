import type { Redis } from 'ioredis';

import { KEY } from './keys';
import { type LiveSession, sessionKey } from './session-registry';

// Registry refresh (only if the entry is still there), then each claim renewed (only while this run holds it),
// stopping at the first loss: -1 = entry gone, n > 0 = the nth claim lost, 0 = all kept.
const BEAT = `if redis.call('hexists', KEYS[1], ARGV[1]) == 0 then return -1 end
redis.call('hset', KEYS[1], ARGV[1], ARGV[2])
for i = 2, #KEYS do
  if redis.call('get', KEYS[i]) ~= ARGV[3] then return i - 1 end
  redis.call('pexpire', KEYS[i], ARGV[4])
end
return 0`;

export interface SessionBeat {
  session: LiveSession;
  /** The claims' new lease. */
  leaseMs: number;
}

/** What one beat found: all kept, the registry entry gone (fenced or reaped), a claim lost, or no answer. */
export type BeatOutcome =
  | { kind: 'kept' }
  | { kind: 'entry-gone' }
  | { kind: 'claim-lost'; ticket: string }
  | { kind: 'failed'; error: string };

/**
 * Heartbeats of many sessions in one round trip: each refreshes its registry entry and renews its ticket claims
 * in one script, exactly as a beat of its own would (an entry a fence or reaper removed is never re-created).
 */
export async function beatSessions(redis: Redis, beats: readonly SessionBeat[]): Promise<BeatOutcome[]> {
  if (beats.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const { session, leaseMs } of beats) {
    pipeline.eval(
      BEAT,
      1 + session.tickets.length,
      KEY.sessions,
      ...session.tickets.map(KEY.claim),
      sessionKey(session),
      JSON.stringify(session),
      session.runId,
      String(leaseMs),
    );
  }
  const replies = (await pipeline.exec()) ?? [];
  return beats.map(({ session }, i): BeatOutcome => {
    const [error, value] = replies[i] ?? [new Error('no reply'), null];
    if (error) return { kind: 'failed', error: error.message };
    if (value === -1) return { kind: 'entry-gone' };
    if (typeof value === 'number' && value > 0) return { kind: 'claim-lost', ticket: session.tickets[value - 1] ?? '' };
    return { kind: 'kept' };
  });
}
