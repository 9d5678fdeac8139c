import type { SessionDeps } from './session-deps';
import { sessionKey, type LiveSession } from '@nightshift/state';

/**
 * Keeps a running session visible and its claims alive: renews the ticket leases and the registry
 * entry every interval. If a claim was lost (reaped, or taken over), `lost` turns true and the session
 * is aborted so two runs never work one ticket.
 */
export class SessionHeartbeat {
  private timer?: NodeJS.Timeout;
  lost = false;

  constructor(
    private readonly deps: SessionDeps,
    private readonly session: LiveSession,
    private readonly onLost: () => void,
    private readonly intervalMs: number,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => undefined), this.intervalMs);
    this.timer.unref();
  }

  update(patch: Partial<LiveSession>): Promise<void> {
    Object.assign(this.session, patch);
    return this.beat();
  }

  private async beat(): Promise<void> {
    const leaseMs = this.deps.config.routing.claimLeaseSec * 1000;
    this.session.heartbeatAt = new Date().toISOString();
    await this.deps.sessions.put(this.session);
    for (const ticket of this.session.tickets) {
      if (!(await this.deps.claims.renew(ticket, this.session.runId, leaseMs)) && !this.lost) {
        this.lost = true;
        this.onLost();
      }
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.deps.sessions.remove(sessionKey(this.session));
  }
}
