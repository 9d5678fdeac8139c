import { randomBytes } from 'node:crypto';

import { pidNamespace, processStartTime, transcriptLines } from '@nightshift/agent';
import { type AccountConfig, repoAgent } from '@nightshift/config';
import {
  type RunRecord,
  type SessionJob,
  sessionJobId,
  sessionQueueName,
  type SessionResult,
} from '@nightshift/contracts';
import { type Outcome, redactSecrets, safeKey, type Ticket } from '@nightshift/domain';
import { MirrorTamperedError } from '@nightshift/git';
import { accountWait, pauseAccountAfterRun, pausesAccount } from '@nightshift/pause-policy';
import { crashPoint } from '@nightshift/service-shell';
import { agentEnvValue, type LiveSession, runRecordKey, sessionKey } from '@nightshift/state';

import { branchIsNew } from './branch-is-new';
import { enforceBudgets } from './enforce-budgets';
import { asksForExternalChange } from './external-ask';
import { fenceEarlierAgents } from './fence-earlier-agents';
import { finishChecked } from './finish-checked';
import { finishFailure } from './finish-session';
import { finishUnchangedFollowUp } from './finish-unchanged-follow-up';
import { type AgentSession, launchAgent } from './launch-agent';
import { pickAccount } from './pick-account';
import { pickLaunch } from './pick-launch';
import { PromptTemplateError } from './render-template';
import { verifyWithRepairs } from './repair-loop';
import { reportDenials, reportEgressDenials } from './report-denials';
import { RequeueJob } from './requeue-job';
import { runEventBase } from './run-event';
import { agentOfRepo, repoConfig, type SessionDeps } from './session-deps';
import { SessionHeartbeat } from './session-heartbeat';
import { type RecalledForSession, recallLearnings, recordOutcome } from './session-memory';
import { NotCurrent, recordLateMoves, staleSession } from './session-ownership';

/**
 * One session from claim to cleanup: account, worktree, agent, classification, then the PR and In
 * Review, or the attempt accounting, or a pause. The worktree is removed in `finally` whatever
 * happened (kept only when a human moved the ticket to a non-terminal state mid-session).
 * Throws RequeueJob when the session must run again later without spending an attempt.
 */
export async function runSession(
  job: SessionJob,
  deps: SessionDeps,
  shutdown: AbortSignal,
  execution = 1,
): Promise<SessionResult> {
  const { config, events } = deps;
  const repo = repoConfig(deps, job.repo);
  const base = { repo: repo.name, host: deps.host, run: job.runId, ticket: job.tickets[0] };
  const launch = await pickLaunch(deps, repo, job);
  if ('waitMs' in launch) throw new RequeueJob(launch.waitMs, true, launch.reason);
  const account = launch.account;
  const onOtherCli = launch.kind !== repoAgent(config, repo).kind;
  if (onOtherCli || launch.movedFrom) {
    // A ticket label or the escalation chain chose another CLI the repo allows, or its own vendor is paused.
    job = { ...job, model: launch.model };
    deps = { ...deps, repoAgents: new Map([[repo.name, launch.agent]]) };
    deps.logger.info(
      { run: job.runId, agent: launch.kind, model: launch.model },
      `runs on ${launch.kind}${launch.movedFrom ? `: ${launch.movedFrom}` : ''}`,
    );
  }
  const launchRepo = onOtherCli ? { ...repo, agent: { kind: launch.kind, model: launch.model } } : repo;

  const leaseMs = config.routing.claimLeaseSec * 1000;
  for (const ticket of job.tickets) {
    if (!(await deps.claims.claim(ticket, job.runId, leaseMs))) {
      // Another run owns the ticket (this job was reaped and re-dispatched): doing it twice would double the PR.
      return { outcome: 'canceled', reason: 'claim is held by another run' };
    }
  }
  const key = sessionKey({ runId: job.runId, execution });
  await fenceEarlierAgents(deps, job, key);
  const record: RunRecord = {
    runId: job.runId,
    tickets: job.tickets,
    repo: repo.name,
    branch: job.branch,
    host: deps.host,
    model: job.model,
    agent: agentOfRepo(deps, repo.name).kind,
    attempt: job.attempt,
    execution,
    account: account.name,
    startedAt: new Date().toISOString(),
  };
  const abort = new AbortController();
  const onShutdown = () => abort.abort();
  shutdown.addEventListener('abort', onShutdown);
  const live = liveSession(deps, job, execution);
  const heartbeat = new SessionHeartbeat(deps, live, () => abort.abort());
  // Recorded right after spawn (the agent's environment names the session too, for a runner that dies before this lands).
  const onSpawn = (pid: number) =>
    void heartbeat
      .update({
        agentPgid: pid,
        agentStartTime: processStartTime(pid) ?? undefined,
        deadline: new Date(Date.now() + agentDeadlineMs(config)).toISOString(),
      })
      .catch((err: unknown) =>
        deps.logger.warn(
          { run: job.runId, err: String(err) },
          'could not record the agent process group; the reaper finds it by its environment',
        ),
      );
  const worktreeJob = {
    repo: repo.name,
    branch: job.branch,
    worktreeKey: safeKey(job.tickets[0] ?? job.runId),
    runId: job.runId,
    ...(branchIsNew(job, execution) ? { branchIsNew: true } : {}),
    // It merges the base before the agent starts: the base as it is now, not the mirror's last fetch.
    ...(job.followUp?.trigger === 'base-moved' ? { freshBase: true } : {}),
  };
  let result: SessionResult;
  let requeue: RequeueJob | undefined;
  let launched = true;
  let session: AgentSession | undefined;
  let recalled: RecalledForSession | undefined;
  let notCurrent: NotCurrent | undefined;
  let keptForHuman: string | undefined;
  try {
    await heartbeat.start();
    await deps.runs.save(record);
    const tickets = await loadTickets(deps, job.tickets);
    // A job delivered again after its run already moved the tickets on (its runner died before BullMQ heard it
    // finish, or the ticket was requeued meanwhile) has nothing left to do: running it would give a second outcome.
    const stale = staleSession(tickets, config.tracker.states.inProgress);
    if (stale) {
      await recordLateMoves(deps, job, tickets);
      throw new NotCurrent(stale, true);
    }
    const worktree = await deps.worktrees.create(worktreeJob);
    await heartbeat.update({ worktreePath: worktree.path });
    await events.append({
      type: 'session.started',
      ...base,
      detail: { model: job.model, attempt: job.attempt, account: account.name },
    });
    recalled = await recallLearnings(deps, job, tickets);
    // Preparing the worktree takes a while: another session may have hit the account's limit meanwhile.
    await assertAccountStillFree(deps, account);
    session = await launchAgent(
      deps,
      job,
      launchRepo,
      account,
      tickets,
      worktree.path,
      abort,
      { sessionKey: agentEnvValue(live), onSpawn },
      recalled.lines,
    );
    // Fenced or reaped while the agent ran (a newer execution of this job took over): that one owns the outcome.
    if (!(await heartbeat.stillCurrent())) throw new NotCurrent(heartbeat.lostReason, false);
    const { run } = session;
    let verdict = session.verdict;
    Object.assign(record, {
      usage: run.usage,
      costUsd: run.costUsd ?? undefined,
      ...(run.costEstimated ? { costEstimated: true } : {}),
      logPath: session.logPath,
      lastLines: lastLines(run.tail),
      prompt: session.prompt,
    });
    if (session.stall)
      record.stall = {
        cause: session.stall.cause,
        reason: session.stall.reason,
        lastSeen: session.stall.lastSeen,
        silentMs: session.stall.silentMs,
      };
    const denied = await reportDenials(deps, record, run);
    await reportEgressDenials(deps, record, session.sandbox);
    // Recorded before any ticket moves, so whoever sees the ticket move can read how the run went.
    await deps.runs.save({ ...finished(record, { outcome: verdict.outcome, reason: verdict.reason }), settling: true });
    await announce(deps, record, verdict.outcome, verdict.reason);
    const checks =
      verdict.outcome === 'success'
        ? await verifyWithRepairs(deps, {
            job,
            repo,
            account,
            tickets,
            worktree: worktree.path,
            abort,
            record,
            identity: { sessionKey: agentEnvValue(live), onSpawn },
          })
        : undefined;
    if (checks?.interrupted)
      ({ session, verdict } = { session: checks.interrupted, verdict: checks.interrupted.verdict });
    if (!(await heartbeat.stillCurrent())) throw new NotCurrent(heartbeat.lostReason, false);
    if (verdict.outcome === 'success') {
      result = await finishChecked(deps, job, repo, tickets, worktree.path, checks, {
        record,
        finalMessage: session.run.result?.result,
        deniedCommands: denied,
        checks: [],
      });
      keptForHuman = result.worktreeKept;
    } else if (verdict.outcome === 'no_changes' && job.followUp) {
      result = await finishUnchangedFollowUp(deps, job, repo, tickets, session.run.result?.result);
    } else if (pausesAccount(verdict.outcome)) {
      requeue = await pauseAccount(deps, account, verdict.outcome, verdict.reason, verdict.retryAt);
      result = { outcome: verdict.outcome, reason: verdict.reason };
    } else {
      result = await finishFailure(deps, job, verdict.outcome, verdict.reason, {
        shuttingDown: shutdown.aborted && !session.cancel,
        needsHumanNote: needsHumanNote(verdict.outcome, run.result?.result),
        denied,
      });
    }
    crashPoint('session-runner.after-outcome');
  } catch (err) {
    if (err instanceof NotCurrent) {
      // Not this execution's to account: no move, no attempt, no PR; the claims and worktree stay for the current one.
      notCurrent = err;
      // A stale delivery launched nothing; a superseded execution did (its record is closed below or already was).
      launched = !err.releaseClaims;
      result = { outcome: 'canceled', reason: err.message };
      await events.append({ type: 'session.superseded', ...base, detail: { reason: err.message, execution } });
    } else if (err instanceof RequeueJob) {
      // Paused before launch: nothing ran, nothing is spent; the job waits for the pause to lift.
      requeue = err;
      launched = false;
      result = { outcome: 'canceled', reason: err.message };
    } else if (err instanceof MirrorTamperedError) {
      // No retry fixes this and another worktree of the repo may be the culprit: nothing pushed, a human looks.
      const reason = redactSecrets(err.message);
      await events.append({ type: 'git.tampered', ...base, detail: { reason: reason.slice(0, 300) } });
      result = await finishFailure(deps, job, 'task_failed', reason, {
        shuttingDown: false,
        needsHumanNote: `Nightshift refused to commit or push: ${reason}`,
      });
    } else {
      const reason = redactSecrets(err instanceof Error ? err.message : String(err));
      deps.logger.error({ run: job.runId, err: reason }, 'session failed outside the agent');
      await announce(deps, record, 'infra_error', reason).catch(() => undefined);
      if (err instanceof PromptTemplateError)
        await tellOnce(
          deps,
          job.tickets,
          `prompt-template:${reason}`,
          `Nightshift cannot start this ticket: ${reason}`,
        ).catch(() => undefined);
      result = await finishFailure(deps, job, 'infra_error', reason, { shuttingDown: shutdown.aborted }).catch(
        (finishErr: unknown) => {
          // The ticket may be left In Progress: the stranded-ticket sweep returns it to the queue.
          deps.logger.error(
            { run: job.runId, err: redactSecrets(String(finishErr)) },
            'could not record the failure on the ticket',
          );
          return { outcome: 'infra_error' as const, reason };
        },
      );
    }
  } finally {
    shutdown.removeEventListener('abort', onShutdown);
    if (notCurrent && !notCurrent.releaseClaims) {
      // A superseded execution's worktree (same key, same run) is the current execution's now.
    } else if (keptForHuman) {
      deps.logger.info({ run: job.runId, why: keptForHuman }, 'worktree kept for a human');
    } else if (session?.cancel?.reason === 'inactive') {
      await events.append({
        type: 'session.canceled',
        ...base,
        detail: { state: session.cancel.state, worktree: 'kept' },
      });
    } else {
      await deps.worktrees
        .remove(worktreeJob)
        .catch((err: unknown) =>
          deps.logger.error({ run: job.runId, err: String(err) }, 'worktree removal failed; the sweeper will retry'),
        );
    }
    await heartbeat.stop().catch(() => undefined);
  }
  // A session that never launched is no run: its record goes, and the rerun writes its own.
  if (launched) {
    // The fence or reaper that superseded this execution may have closed its record already ("interrupted"): kept.
    const stored = notCurrent && (await deps.runs.get(runRecordKey(record)));
    const closedElsewhere = stored && stored.outcome && !stored.settling;
    if (!closedElsewhere) await save(deps, record, result);
  } else await deps.runs.discard(record);
  // Superseded: the claims, budget and memory outcome belong to the current execution.
  if (notCurrent && !notCurrent.releaseClaims) return result;
  await enforceBudgets(deps, record).catch((err: unknown) =>
    deps.logger.error({ run: job.runId, err: String(err) }, 'budget check failed'),
  );
  await recordOutcome(deps, record, recalled, session?.run.result?.result);
  if (requeue) throw requeue;
  for (const ticket of job.tickets) await deps.claims.release(ticket, job.runId);
  await events.append({ type: 'claim.released', ...base });
  return result;
}

/** The registry entry of this execution, written before anything can start an agent. */
function liveSession(deps: SessionDeps, job: SessionJob, execution: number): LiveSession {
  return {
    runId: job.runId,
    execution,
    host: deps.host,
    runnerPid: process.pid,
    runnerStartTime: processStartTime(process.pid) ?? undefined,
    runnerPidNs: pidNamespace() ?? undefined,
    repo: job.repo,
    branch: job.branch,
    queue: sessionQueueName(job.capability),
    jobId: sessionJobId(job.runId),
    tickets: job.tickets,
    agentTag: randomBytes(6).toString('hex'),
    heartbeatAt: '',
  };
}

/** Past this, the agent outlived every limit its own runner enforces (timeout, after-result grace, kill grace): overdue. */
function agentDeadlineMs(config: SessionDeps['config']): number {
  return (
    config.agent.sessionTimeoutMin * 60_000 + (config.agent.afterResultGraceSec + config.reaper.graceSec + 60) * 1000
  );
}

/**
 * Rate limit or auth failure: the account is paused for everyone until the reset (or a back-off),
 * and the job goes back to waiting with no attempt spent: to another account if one is free, or the
 * whole queue waits until the earliest reset.
 */
async function pauseAccount(
  deps: SessionDeps,
  account: AccountConfig,
  outcome: 'rate_limited' | 'auth_failed',
  reason: string,
  retryAt: Date | null,
): Promise<RequeueJob> {
  if (outcome === 'auth_failed') deps.auth.invalidate(account.name);
  await pauseAccountAfterRun(deps, account.name, outcome, reason, retryAt, deps.host);
  const next = await pickAccount(deps);
  return 'waitMs' in next
    ? new RequeueJob(next.waitMs, true, next.reason)
    : new RequeueJob(0, false, `account ${account.name} paused; another account takes it`);
}

/** A run that changed nothing but asks a human to change something elsewhere goes straight to a human. */
function needsHumanNote(outcome: Outcome, finalMessage: string | undefined): string | undefined {
  if (outcome !== 'no_changes' || !asksForExternalChange(finalMessage)) return undefined;
  const quoted = (finalMessage ?? '')
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
  return `The agent changed no code and asks for a change outside the repository:\n\n${quoted}\n\nNo code evidence (file and line) was produced; check the claim before acting on it.`;
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

/** The end of the agent's output as a person reads it (what it said, its last calls and errors), never cut-off JSON. */
function lastLines(tail: string, count = 5): string {
  const readable = tail
    .split('\n')
    .flatMap((line) => transcriptLines(line))
    .filter((t) => t.kind !== 'session')
    .map((t) => {
      const flat = t.text.replace(/\s+/g, ' ').trim();
      return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
    });
  return redactSecrets(readable.slice(-count).join('\n'));
}

async function announce(deps: SessionDeps, record: RunRecord, outcome: string, reason: string): Promise<void> {
  await deps.events.append({
    type: 'session.outcome',
    ...runEventBase(record),
    detail: { outcome, model: record.model, reason: redactSecrets(reason).slice(0, 200) },
  });
}

function finished(record: RunRecord, result: SessionResult): RunRecord {
  const finishedAt = new Date();
  return Object.assign(record, {
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - Date.parse(record.startedAt),
    outcome: result.outcome,
    reason: result.reason.slice(0, 500),
    prUrl: result.prUrl,
  });
}

async function save(deps: SessionDeps, record: RunRecord, result: SessionResult): Promise<void> {
  await deps.runs.save(finished(record, result));
  const m = deps.metrics;
  m.sessions.inc({ outcome: result.outcome, model: record.model, repo: record.repo, host: record.host });
  m.duration.observe({ outcome: result.outcome, model: record.model }, (record.durationMs ?? 0) / 1000);
  if (record.usage)
    for (const [kind, n] of Object.entries(record.usage))
      m.tokens.inc({ kind, model: record.model, repo: record.repo }, n);
  if (record.costUsd) m.cost.inc({ model: record.model, repo: record.repo }, record.costUsd);
}

/** A configuration problem no retry will fix: say it on each ticket once, not on every retry. */
async function tellOnce(deps: SessionDeps, tickets: string[], marker: string, text: string): Promise<void> {
  for (const key of tickets) {
    if (await deps.counters.once(`${marker}:${key}`)) await deps.tracker.comment(key, text);
  }
}

/** Throws RequeueJob (no attempt spent) when the account was paused after this session picked it. */
async function assertAccountStillFree(deps: SessionDeps, account: AccountConfig): Promise<void> {
  const paused = await accountWait(deps.pauses, account.name);
  if (paused)
    throw new RequeueJob(paused.waitMs, true, `account ${account.name} paused before launch: ${paused.reason}`);
}
