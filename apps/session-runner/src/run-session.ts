import path from 'node:path';
import { safeKey, type Ticket } from '@nightshift/domain';
import type { RunRecord, SessionJob, SessionResult } from '@nightshift/contracts';
import { classifyOutcome } from '@nightshift/agent';
import { hasChanges, runGit } from '@nightshift/git';
import { redactSecrets } from '@nightshift/service-shell';
import { buildPrompt } from './build-prompt';
import { readRules } from './read-rules';
import { SessionHeartbeat } from './session-heartbeat';
import { repoConfig, type SessionDeps } from './session-deps';
import { finishFailure, finishSuccess } from './finish-session';

/**
 * One session from claim to cleanup: worktree, prompt, agent, classification, then either the PR and
 * In Review, or the attempt accounting. The worktree is removed in `finally`, whatever happened.
 */
export async function runSession(job: SessionJob, deps: SessionDeps, shutdown: AbortSignal): Promise<SessionResult> {
  const { config, events } = deps;
  const repo = repoConfig(deps, job.repo);
  const base = { repo: repo.name, host: deps.host, run: job.runId };
  const leaseMs = config.routing.claimLeaseSec * 1000;
  for (const ticket of job.tickets) {
    if (!(await deps.claims.claim(ticket, job.runId, leaseMs))) {
      // Another run owns the ticket (this job was reaped and re-dispatched): doing it twice would double the PR.
      return { outcome: 'canceled', reason: 'claim is held by another run' };
    }
  }
  const record: RunRecord = { runId: job.runId, tickets: job.tickets, repo: repo.name, host: deps.host, model: job.model, attempt: job.attempt, startedAt: new Date().toISOString() };
  const abort = new AbortController();
  const onShutdown = () => abort.abort();
  shutdown.addEventListener('abort', onShutdown);
  const heartbeat = new SessionHeartbeat(deps, { runId: job.runId, host: deps.host, runnerPid: process.pid, tickets: job.tickets, heartbeatAt: '' }, () => abort.abort(), Math.min(30_000, leaseMs / 3));
  const worktreeJob = { repo: repo.name, branch: job.branch, worktreeKey: safeKey(job.tickets[0] ?? job.runId), runId: job.runId };
  let result: SessionResult;
  try {
    await heartbeat.start();
    await deps.runs.save(record);
    const worktree = await deps.worktrees.create(worktreeJob);
    await heartbeat.update({ worktreePath: worktree.path });
    const tickets = await loadTickets(deps, job.tickets);
    const prompt = buildPrompt({ repo: repo.name, branch: job.branch, tickets, rules: await readRules(worktree.path, repo.rulesFiles) });
    const headBefore = await head(worktree.path);
    record.logPath = path.join(config.paths.logs, `${safeKey(job.runId)}.jsonl`);
    await events.append({ type: 'session.started', ...base, ticket: job.tickets[0], detail: { model: job.model, attempt: job.attempt } });
    const run = await deps.agent.run({
      runId: job.runId,
      cwd: worktree.path,
      prompt,
      model: job.model,
      maxTurns: config.agent.maxTurns,
      permissionMode: config.agent.permissionMode,
      timeoutMs: config.agent.sessionTimeoutMin * 60_000,
      logPath: record.logPath,
      signal: abort.signal,
      onSpawn: (pid) => void heartbeat.update({ agentPgid: pid }).catch(() => undefined),
    });
    const hasDiff = (await hasChanges(worktree.path)) || (await head(worktree.path)) !== headBefore;
    const verdict = classifyOutcome({ ...run, text: run.tail, hasDiff, now: new Date(), fastFailMs: config.agent.fastFailSec * 1000 });
    Object.assign(record, { usage: run.usage, costUsd: run.costUsd ?? undefined });
    await announceOutcome(deps, record, verdict.outcome, verdict.reason);
    result =
      verdict.outcome === 'success'
        ? await finishSuccess(deps, job, repo, tickets, worktree.path)
        : await finishFailure(deps, job, verdict.outcome, verdict.reason, shutdown.aborted);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    deps.logger.error({ run: job.runId, err: reason }, 'session failed outside the agent');
    await announceOutcome(deps, record, 'infra_error', reason).catch(() => undefined);
    result = await finishFailure(deps, job, 'infra_error', reason, shutdown.aborted).catch(() => ({ outcome: 'infra_error' as const, reason }));
  } finally {
    shutdown.removeEventListener('abort', onShutdown);
    await deps.worktrees.remove(worktreeJob).catch((err: unknown) => deps.logger.error({ run: job.runId, err: String(err) }, 'worktree removal failed; the sweeper will retry'));
    await heartbeat.stop().catch(() => undefined);
  }
  await recordOutcome(deps, record, result);
  for (const ticket of job.tickets) await deps.claims.release(ticket, job.runId);
  await events.append({ type: 'claim.released', ...base, ticket: job.tickets[0] });
  return result;
}

async function loadTickets(deps: SessionDeps, keys: string[]): Promise<Ticket[]> {
  return Promise.all(
    keys.map(async (key) => {
      const ticket = await deps.tracker.getTicket(key);
      if (!ticket) throw new Error(`ticket ${key} no longer exists on the tracker`);
      return ticket;
    }),
  );
}

async function head(worktree: string): Promise<string> {
  return (await runGit(['rev-parse', 'HEAD'], { cwd: worktree })).stdout.trim();
}

async function recordOutcome(deps: SessionDeps, record: RunRecord, result: SessionResult): Promise<void> {
  const finishedAt = new Date();
  Object.assign(record, {
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - Date.parse(record.startedAt),
    outcome: result.outcome,
    reason: result.reason.slice(0, 500),
    prUrl: result.prUrl,
  });
  await deps.runs.save(record);
  const m = deps.metrics;
  m.sessions.inc({ outcome: result.outcome, model: record.model, repo: record.repo, host: record.host });
  m.duration.observe({ outcome: result.outcome, model: record.model }, (record.durationMs ?? 0) / 1000);
  if (record.usage) {
    for (const [kind, n] of Object.entries(record.usage)) m.tokens.inc({ kind, model: record.model, repo: record.repo }, n);
  }
  if (record.costUsd) m.cost.inc({ model: record.model, repo: record.repo }, record.costUsd);
}

async function announceOutcome(deps: SessionDeps, record: RunRecord, outcome: string, reason: string): Promise<void> {
  await deps.events.append({
    type: 'session.outcome',
    repo: record.repo,
    host: record.host,
    run: record.runId,
    ticket: record.tickets[0],
    detail: { outcome, model: record.model, reason: redactSecrets(reason).slice(0, 200) },
  });
}
