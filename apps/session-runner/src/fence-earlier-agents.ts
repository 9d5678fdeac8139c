import { setTimeout as delay } from 'node:timers/promises';

import { sandboxPodman } from '@nightshift/config';
import type { SessionJob } from '@nightshift/contracts';
import { closeInterruptedSession, killSessionAgent } from '@nightshift/fleet';
import { type LiveSession, sessionKey } from '@nightshift/state';

import { RequeueJob } from './requeue-job';
import type { SessionDeps } from './session-deps';

/**
 * Fencing: no agent launches for a ticket while an earlier execution's agent for it may still run. An earlier
 * session on this host is killed here, through the reaper's own mechanism (attributed groups only); one on
 * another host is left to that host's reaper, and this waits for its verdict (the entry disappears). Still
 * there after a reaper interval plus grace (twice over): the job goes back to waiting, no attempt spent. An
 * entry of another host that has not heartbeated for a whole claim lease is a lost host's: dropped.
 */
export async function fenceEarlierAgents(deps: SessionDeps, job: SessionJob, ownKey: string): Promise<void> {
  const { intervalSec, graceSec } = deps.config.reaper;
  const deadline = Date.now() + 2 * (intervalSec + graceSec) * 1000;
  const leaseMs = deps.config.routing.claimLeaseSec * 1000;
  for (;;) {
    const earlier = (await deps.sessions.list()).filter(
      (s) => sessionKey(s) !== ownKey && s.tickets.some((t) => job.tickets.includes(t)),
    );
    if (earlier.length === 0) return;
    const remote: LiveSession[] = [];
    for (const session of earlier) {
      if (session.host !== deps.host) {
        // A host silent for a whole claim lease is gone (its runner could not have held the ticket that long).
        if (Date.now() - Date.parse(session.heartbeatAt) > leaseMs)
          await closeInterruptedSession(deps, session, 'runner_gone', 0);
        else remote.push(session);
        continue;
      }
      const killed = await killSessionAgent(session, graceSec * 1000, sandboxPodman(deps.config, deps.host));
      await closeInterruptedSession(deps, session, 'fenced', killed);
    }
    if (remote.length === 0) return;
    if (Date.now() > deadline) {
      const where = remote.map((s) => `${sessionKey(s)} on ${s.host}`).join(', ');
      throw new RequeueJob(
        intervalSec * 1000,
        false,
        `an earlier execution may still be running (${where}); waiting for its host's reaper`,
      );
    }
    await delay(Math.min(1000, intervalSec * 250));
  }
}
