import {
  agentEnvValue,
  type EventLog,
  type LiveSession,
  type RunStore,
  sessionKey,
  type SessionRegistry,
} from '@nightshift/state';
import type { Logger } from 'pino';

/** Why a session's agent is reaped; the label of `nightshift_reaper_kills_total`. */
export type ReapReason = 'runner_gone' | 'job_inactive' | 'deadline' | 'fenced';

export interface ReapDeps {
  sessions: SessionRegistry;
  runs: RunStore;
  events: EventLog;
  logger: Logger;
}

/**
 * The process groups on this machine that provably belong to `session`: the recorded group while its leader
 * is the recorded process (same pid and start time), and every group holding a process launched with the
 * session's key and tag in its environment. Nothing else: a pid reused by an unrelated process, or an agent of
 * another install on this machine with the same run id, is never touched.
 */
export function attributedAgentGroups(session: LiveSession): number[] {
  const { groupMembers, groupsOfSession, processGroupOf, processStartTime } = agentProcesses();
  const groups = new Set(groupsOfSession(agentEnvValue(session)));
  const pgid = session.agentPgid;
  if (
    pgid &&
    session.agentStartTime &&
    processStartTime(pgid) === session.agentStartTime &&
    groupMembers(pgid).length > 0
  )
    groups.add(pgid);
  const own = processGroupOf(process.pid);
  return [...groups].filter((g) => g > 1 && g !== own);
}

/**
 * SIGTERM → grace → SIGKILL to each attributed group of the session, and (given `podman`) `rm -f` of its
 * sandbox containers; the number of groups (or containers) that were alive.
 */
export async function killSessionAgent(session: LiveSession, graceMs: number, podman?: string): Promise<number> {
  const groups = attributedAgentGroups(session);
  const { removeSessionContainers, terminateGroup } = agentProcesses();
  // A sandboxed agent's container goes too (by its label: the session's key and tag), whoever holds its processes.
  const containers = podman ? removeSessionContainers(agentEnvValue(session), podman, graceMs / 1000) : 0;
  const [removed] = await Promise.all([containers, ...groups.map((g) => terminateGroup(g, graceMs))]);
  return Math.max(groups.length, removed);
}

/**
 * Closes what a dead (or superseded) execution left open: its run record ends as `infra_error`
 * ("interrupted", no attempt spent) unless it already has an outcome; its registry entry goes; one
 * `session.reaped` event says why.
 */
export async function closeInterruptedSession(
  deps: ReapDeps,
  session: LiveSession,
  reason: ReapReason,
  killed: number,
): Promise<void> {
  const key = sessionKey(session);
  const record = await deps.runs.get(key);
  if (record?.settling) {
    // The agent had ended; its checks, push and PR never came. Its verdict stays, the run is closed.
    const { settling: _open, ...closed } = record;
    await deps.runs.save({ ...closed, reason: `${record.reason ?? ''}; interrupted before the run finished (reaped)` });
  } else if (record && !record.outcome) {
    const finishedAt = new Date();
    await deps.runs.save({
      ...record,
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - Date.parse(record.startedAt),
      outcome: 'infra_error',
      reason: `interrupted: ${reason.replace('_', ' ')} (reaped; no attempt spent)`,
    });
  }
  await deps.sessions.remove(key);
  await deps.events.append({
    type: 'session.reaped',
    ticket: session.tickets[0],
    run: session.runId,
    host: session.host,
    detail: { reason, killedGroups: killed, execution: session.execution ?? 1 },
  });
  deps.logger.warn(
    { run: session.runId, execution: session.execution ?? 1, reason, killedGroups: killed },
    'session reaped',
  );
}

/** Loaded on first use: `nightshift status` reads the fleet through this lib and never reaps. */
function agentProcesses(): typeof import('@nightshift/agent') {
  return require('@nightshift/agent') as typeof import('@nightshift/agent');
}
