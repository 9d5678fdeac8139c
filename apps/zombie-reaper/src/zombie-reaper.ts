import path from 'node:path';

import { isSameProcess, pidNamespace, reapOrphanContainers } from '@nightshift/agent';
import { type NightshiftConfig, sandboxPodman } from '@nightshift/config';
import { sessionJobId } from '@nightshift/contracts';
import { closeInterruptedSession, killSessionAgent, type ReapDeps } from '@nightshift/fleet';
import type { MachineIdentity } from '@nightshift/service-shell';
import {
  type Claims,
  type EventLog,
  type HostRegistry,
  type LiveSession,
  type RunStore,
  sessionKey,
  type SessionRegistry,
} from '@nightshift/state';
import { type WorktreeClient } from '@nightshift/worktree-client';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';

import { type JobFacts, PENDING_JOB_STATES, reapVerdict } from './reap-verdict';
import type { ReaperMetrics } from './reaper-metrics';

export interface ZombieReaperDeps extends ReapDeps {
  config: NightshiftConfig;
  host: string;
  claims: Claims;
  runs: RunStore;
  events: EventLog;
  sessions: SessionRegistry;
  /** One queue per session capability of the whole config (a claim's job may be on any of them). */
  sessionQueues: Map<string, Queue>;
  worktrees: Pick<WorktreeClient, 'remove'>;
  metrics: ReaperMetrics;
  logger: Logger;
  /** With `identity`: a pass is skipped while this host's name is live from another machine (see `otherMachine`). */
  hosts?: Pick<HostRegistry, 'live'>;
  identity?: MachineIdentity;
}

/**
 * One pass of the host's zombie-reaper: kills the agents of sessions on this host that nothing supervises any
 * more (attributed process groups only), closes their run records, releases claims nothing alive holds, and
 * asks the worktree-manager to drop the worktrees of sessions that will not run again.
 */
export class ZombieReaper {
  private readonly pidNs = pidNamespace();

  constructor(private readonly deps: ZombieReaperDeps) {}

  async sweep(nowMs = Date.now()): Promise<void> {
    const other = await this.otherMachine();
    if (other) {
      this.deps.logger.error(
        { host: this.deps.host, machineId: other },
        `not reaping: host "${this.deps.host}" is live from another machine (${other}); set NIGHTSHIFT_HOST on each machine to a host of its own`,
      );
      return;
    }
    const sessions = await this.deps.sessions.list();
    for (const session of sessions.filter((s) => s.host === this.deps.host)) {
      await this.judge(session, nowMs).catch((err: unknown) =>
        this.deps.logger.error({ run: session.runId, err: String(err) }, 'reaping a session failed; next pass retries'),
      );
    }
    await this.removeOrphanContainers();
    await this.closeOrphanRuns(new Set(sessions.map(sessionKey)));
    await this.releaseStaleClaims(new Set(sessions.map((s) => s.runId)));
  }

  /**
   * The machine id of another machine whose session-runner beats under this host's name, or null. Two machines
   * sharing one config without NIGHTSHIFT_HOST would each take the other's sessions for dead ones. Told apart by
   * the kernel's boot id, which every process (and container) of one running machine shares, unlike
   * /etc/machine-id, which containers of one machine may not.
   */
  private async otherMachine(): Promise<string | null> {
    const { hosts, identity } = this.deps;
    if (!hosts || !identity) return null;
    const live = await hosts.live(this.deps.host);
    return live?.bootId && live.bootId !== identity.bootId ? (live.machineId ?? live.bootId) : null;
  }

  private async judge(session: LiveSession, nowMs: number): Promise<void> {
    const runnerAlive = this.runnerAlive(session, nowMs);
    const job = runnerAlive ? await this.jobFacts(session) : undefined;
    const reason = reapVerdict({ session, runnerAlive, job, nowMs });
    if (!reason) return;
    const podman = sandboxPodman(this.deps.config, this.deps.host);
    const killed = await killSessionAgent(session, this.deps.config.reaper.graceSec * 1000, podman);
    // A live runner whose agent is already gone finishes (and deregisters) the session itself.
    if (runnerAlive && killed === 0) return;
    if (killed > 0) this.deps.metrics.kills.inc({ reason });
    await closeInterruptedSession(this.deps, session, reason, killed);
    this.deps.metrics.runsClosed.inc();
    const facts = await this.jobFacts(session);
    if (session.worktreePath && session.repo && !(facts && PENDING_JOB_STATES.has(facts.state))) {
      // Nobody will run this session again: its worktree is an orphan now.
      const job = {
        repo: session.repo,
        branch: session.branch ?? '',
        worktreeKey: path.basename(session.worktreePath),
        runId: session.runId,
      };
      await this.deps.worktrees
        .remove(job)
        .catch((err: unknown) =>
          this.deps.logger.warn(
            { run: session.runId, err: String(err) },
            'orphan worktree removal failed; the sweeper will retry',
          ),
        );
    }
  }

  /**
   * A runner in this reaper's PID namespace is alive while its pid names the same process. One in another
   * (its own container, as in compose) is alive while it beats: silent for a whole claim lease, it is gone,
   * as a remote host's runner is for the fence. A session not yet beaten is a new one, not a dead one.
   */
  private runnerAlive(session: LiveSession, nowMs: number): boolean {
    if (!session.runnerPidNs || !this.pidNs || session.runnerPidNs === this.pidNs)
      return isSameProcess(session.runnerPid, session.runnerStartTime);
    const beat = Date.parse(session.heartbeatAt);
    return Number.isNaN(beat) || nowMs - beat <= this.deps.config.routing.claimLeaseSec * 1000;
  }

  /** Sandbox containers whose runner is gone (it was SIGKILLed, or its machine rebooted) are nobody's: removed. */
  private async removeOrphanContainers(): Promise<void> {
    const podman = sandboxPodman(this.deps.config, this.deps.host);
    if (!podman) return;
    const removed = await reapOrphanContainers(this.deps.host, podman, this.deps.config.reaper.graceSec);
    for (const name of removed) {
      this.deps.metrics.kills.inc({ reason: 'runner_gone' });
      this.deps.logger.warn({ container: name }, 'orphan sandbox container removed (its runner is gone)');
    }
  }

  /** The session job's state, null when it is gone, undefined when the entry names no job. */
  private async jobFacts(session: Pick<LiveSession, 'queue' | 'jobId'>): Promise<JobFacts | null | undefined> {
    const queue = session.queue ? this.deps.sessionQueues.get(session.queue) : undefined;
    if (!queue || !session.jobId) return undefined;
    const job = await queue.getJob(session.jobId);
    return job ? { state: await job.getState(), attemptsStarted: job.attemptsStarted } : null;
  }

  /**
   * A run record still "running" on this host with no registry entry: its process is gone (it died between
   * deregistering and saving). A runner registers its session before it saves the run record, so an entry
   * missing from the list taken at the start of the pass may have registered since: the registry is asked
   * again after the run records are read, and only a run still without an entry then is closed.
   */
  private async closeOrphanRuns(liveKeys: Set<string>): Promise<void> {
    for (const run of await this.deps.runs.list(2000)) {
      if (run.outcome || run.host !== this.deps.host) continue;
      const ghost: LiveSession = {
        runId: run.runId,
        execution: run.execution,
        host: run.host,
        runnerPid: 0,
        tickets: run.tickets,
        heartbeatAt: '',
      };
      if (liveKeys.has(sessionKey(ghost)) || (await this.deps.sessions.has(sessionKey(ghost)))) continue;
      await closeInterruptedSession(this.deps, ghost, 'runner_gone', 0);
      this.deps.metrics.runsClosed.inc();
    }
  }

  /**
   * A claim not renewed for a while (every live runner renews its own each heartbeat), held by a run with
   * no live session and no job that will still run, blocks its ticket until the lease ends: release it.
   */
  private async releaseStaleClaims(liveRuns: Set<string>): Promise<void> {
    const leaseMs = this.deps.config.routing.claimLeaseSec * 1000;
    const heartbeatMs = Math.min(30_000, leaseMs / 3);
    const staleAfterMs = 3 * heartbeatMs + this.deps.config.reaper.intervalSec * 1000;
    for (const claim of await this.deps.claims.list()) {
      if (liveRuns.has(claim.runId) || claim.ttlMs < 0 || leaseMs - claim.ttlMs < staleAfterMs) continue;
      if (await this.jobPending(claim.runId)) continue;
      if (!(await this.deps.claims.release(claim.ticket, claim.runId))) continue;
      this.deps.metrics.staleClaims.inc();
      await this.deps.events.append({
        type: 'claim.reaped',
        ticket: claim.ticket,
        run: claim.runId,
        host: this.deps.host,
        detail: { reason: 'no live session and no pending job' },
      });
      this.deps.logger.warn({ ticket: claim.ticket, run: claim.runId }, 'stale claim released');
    }
  }

  private async jobPending(runId: string): Promise<boolean> {
    for (const queue of this.deps.sessionQueues.values()) {
      const facts = await this.jobFacts({ queue: queue.name, jobId: sessionJobId(runId) });
      if (facts && PENDING_JOB_STATES.has(facts.state)) return true;
    }
    return false;
  }
}
