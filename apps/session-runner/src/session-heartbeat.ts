import { type BeatOutcome, type LiveSession, type SessionBeat, sessionKey } from '@nightshift/state';

import type { BatchMember } from './heartbeat-batch';
import type { SessionDeps } from './session-deps';

/**
 * Keeps a running session visible and its claims alive: renews the ticket leases and the registry
 * entry on every round of the runner's heartbeat batch (one pipeline for all its sessions). If a claim was lost (reaped, or taken over) or the registry entry was removed
 * (a newer execution of the same job fenced this one, or the reaper closed it), `lost` turns true and
 * the session is aborted so two executions never work one ticket.
 */
export class SessionHeartbeat implements BatchMember {
  private registered = false;
  private stopped = false;
  lost = false;
  /** Why `lost` turned true, for the run's reason. */
  lostReason = '';

  constructor(
    private readonly deps: SessionDeps,
    private readonly session: LiveSession,
    private readonly onLost: () => void,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    if (!this.stopped) this.deps.heartbeats.join(this);
  }

  nextBeat(): SessionBeat | undefined {
    if (this.lost || !this.registered || this.stopped) return undefined;
    this.session.heartbeatAt = new Date().toISOString();
    return { session: this.session, leaseMs: this.deps.config.routing.claimLeaseSec * 1000 };
  }

  beaten(outcome: BeatOutcome): void {
    if (this.stopped) return;
    if (outcome.kind === 'entry-gone') this.lose('superseded: this execution was fenced or reaped');
    else if (outcome.kind === 'claim-lost') this.lose(`claim on ${outcome.ticket} was lost`);
    // 'failed': no answer this round (Redis away); the next round tries again, the lease outlasts several.
  }

  update(patch: Partial<LiveSession>): Promise<void> {
    Object.assign(this.session, patch);
    return this.beat();
  }

  /**
   * Asked right before the session acts on its tickets (push, PR, moves, attempts): true while this
   * execution is still registered and its run still holds every claim. An execution that is not current any
   * more must leave the tickets, the worktree and the claims to whoever superseded it.
   */
  async stillCurrent(): Promise<boolean> {
    if (this.lost) return false;
    if (!(await this.deps.sessions.has(sessionKey(this.session))))
      this.lose('superseded: this execution was fenced or reaped');
    for (const ticket of this.session.tickets) {
      if (this.lost) break;
      if ((await this.deps.claims.holder(ticket)) !== this.session.runId)
        this.lose(`claim on ${ticket} is no longer held by run ${this.session.runId}`);
    }
    return !this.lost;
  }

  /** The first beat registers the session; every beat then runs the batch's own script (one round trip). */
  private async beat(): Promise<void> {
    if (this.lost) return;
    if (!this.registered) {
      this.session.heartbeatAt = new Date().toISOString();
      await this.deps.sessions.put(this.session);
      this.registered = true;
    }
    const beat = this.nextBeat();
    if (!beat) return;
    const outcome = await this.deps.heartbeats.beatOne(beat);
    // Unlike a round, a beat asked for now reports a Redis failure to its caller.
    if (outcome.kind === 'failed') throw new Error(outcome.error);
    this.beaten(outcome);
  }

  private lose(reason: string): void {
    if (this.lost) return;
    this.lost = true;
    this.lostReason = reason;
    this.onLost();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.heartbeats.leave(this);
    await this.deps.sessions.remove(sessionKey(this.session));
  }
}
