import { appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { launchPermissions } from '@nightshift/adapter-factories';
import {
  type AgentRunResult,
  classifyOutcome,
  type OutcomeClassification,
  type SandboxReport,
  SESSION_ENV,
  stallCheckMs,
  stallLimitsFromConfig,
  stallLogLine,
  StallMonitor,
  type StallVerdict,
  sumTranscriptUsage,
  transcriptPath,
} from '@nightshift/agent';
import { type AccountConfig, agentEnv, type RepoConfig } from '@nightshift/config';
import type { PromptReport, SessionJob } from '@nightshift/contracts';
import { redactSecrets, safeKey, type Ticket } from '@nightshift/domain';
import { assertSafeLaunch, commitsAhead, hookEnv, runHook, stageChanges, type WorktreeRef } from '@nightshift/git';

import { buildPrompt, type RepairSection } from './build-prompt';
import type { CancelRequest } from './cancel-watcher';
import { conflictSection } from './conflict-section';
import { readRules } from './read-rules';
import { readRepoTemplate } from './repo-template';
import { followUpReview } from './review-section';
import { agentOfRepo, type SessionDeps } from './session-deps';
import { openSessionSandbox } from './session-sandbox';
import { trustedWorktree } from './trusted-worktree';

/** How the reaper will recognise this launch: the session's key and tag in the agent's environment (agentEnvValue), and its pgid once spawned. */
export interface AgentIdentity {
  sessionKey: string;
  onSpawn: (pid: number) => void;
}

export interface AgentSession {
  run: AgentRunResult;
  verdict: OutcomeClassification;
  hasDiff: boolean;
  logPath: string;
  prompt: PromptReport;
  /** Why the stall watchdog killed the session (redacted); unset when it did not. */
  stall?: StallVerdict;
  /** Set when reconciliation stopped the session because a human moved the ticket. */
  cancel?: CancelRequest;
  /** The session's Podman sandbox: its container and the connections its proxy refused. */
  sandbox?: SandboxReport;
}

/**
 * Runs the agent once in a ready worktree: builds the prompt, launches with the account's
 * credentials, watches for stalls and cancel requests, then classifies what happened. Cost comes
 * from the CLI's result event, or from its own transcript when it was killed before printing one.
 */
export async function launchAgent(
  deps: SessionDeps,
  job: SessionJob,
  repo: RepoConfig,
  account: AccountConfig,
  tickets: Ticket[],
  worktree: string,
  abort: AbortController,
  identity: AgentIdentity,
  learnings: string[] = [],
  repair?: RepairSection,
): Promise<AgentSession> {
  const { config } = deps;
  const template = repo.promptTemplate
    ? await readRepoTemplate(worktree, repo.promptTemplate, repo.name, 'promptTemplate')
    : undefined;
  // A repair round continues the same merge: only the first launch of a base-move follow-up merges the base.
  const conflicts = repair ? '' : await conflictSection(job, repo, await trustedWorktree(deps, repo, worktree));
  const review = [await followUpReview(deps, job), conflicts].filter(Boolean).join('\n');
  const built = buildPrompt({
    repo: repo.name,
    branch: job.branch,
    tickets,
    rules: await readRules(worktree, repo.rulesFiles),
    learnings,
    review,
    ...(repair ? { repair } : {}),
    template,
    maxTokens: config.agent.maxPromptTokens,
  });
  const promptReport: PromptReport = {
    estimatedTokens: built.estimatedTokens,
    budgetTokens: config.agent.maxPromptTokens,
    cuts: built.cuts,
  };
  const { permissions, env: permissionEnv, sandbox: mode } = launchPermissions(config, repo, deps.host);
  const logPath = path.join(config.paths.logs, `${safeKey(job.runId)}.jsonl`);
  const checkMs = stallCheckMs(config.agent.stallTimeoutSec);
  const watchdog = new StallMonitor({
    limits: stallLimitsFromConfig(config.agent, checkMs),
    checkMs,
    onStall: () => abort.abort(),
  });
  let cancel: CancelRequest | undefined;
  const unwatch = deps.cancels.watch(job.runId, (req) => {
    cancel = req;
    abort.abort();
  });
  const worktreeKey = path.basename(worktree);
  const hookOpts = {
    cwd: worktree,
    root: config.paths.worktrees,
    worktreeKey,
    timeoutMs: config.hooks.timeoutSec * 1000,
    env: {
      ...agentEnv({ config, repo }),
      ...hookEnv({ repo: repo.name, branch: job.branch, runId: job.runId, worktreeKey }),
    },
  };
  // The agent runs only inside its own worktree under the root, symlinks resolved.
  await assertSafeLaunch({ root: config.paths.worktrees, worktreeKey, worktreePath: worktree, cwd: worktree });
  // In a sandboxed repo the hooks run in the session's sandbox too, each in a container of its own.
  const box =
    mode === 'podman' ? await openSessionSandbox(deps, repo, worktree, identity.sessionKey, account) : undefined;
  const boxedHookOpts = box ? { ...hookOpts, sandbox: box.hookLayer } : hookOpts;
  // A failing beforeRun hook throws: the session ends as infra_error and spends no attempt.
  if (repo.hooks.beforeRun)
    await runHook('beforeRun', repo.hooks.beforeRun, boxedHookOpts).catch(async (err: unknown) => {
      await box?.close();
      throw err;
    });
  let run: AgentRunResult;
  let sandbox: SandboxReport | undefined;
  try {
    run = await agentOfRepo(deps, repo.name).run({
      runId: job.runId,
      cwd: worktree,
      prompt: built.text,
      model: job.model,
      maxTurns: config.agent.maxTurns,
      permissionMode: config.agent.permissionMode,
      ...(config.budgets.perSessionUsd === undefined ? {} : { maxBudgetUsd: config.budgets.perSessionUsd }),
      permissions,
      timeoutMs: config.agent.sessionTimeoutMin * 60_000,
      logPath,
      env: agentEnv({ config, repo, account, extra: { ...permissionEnv, [SESSION_ENV]: identity.sessionKey } }),
      signal: abort.signal,
      sandboxMode: mode,
      ...(box ? { sandbox: box.layer } : {}),
      onSpawn: (pid) => {
        // A container's processes descend from its init (conmon's child), not from the podman client.
        if (box) void box.containerPid().then((cpid) => watchdog.start(cpid ?? pid));
        else watchdog.start(pid);
        identity.onSpawn(pid);
      },
      onOutput: () => watchdog.output(),
      onEvent: (event) => watchdog.event(event),
    });
  } finally {
    watchdog.stop();
    unwatch();
    if (repo.hooks.afterRun) {
      await runHook('afterRun', repo.hooks.afterRun, boxedHookOpts).catch((err: unknown) =>
        deps.logger.warn({ run: job.runId, err: String(err) }, 'afterRun hook failed; going on'),
      );
    }
    // Whatever ended the session (its exit, a kill, a throw), its containers go with it.
    sandbox = await box?.close();
  }
  const stall = watchdog.verdict && redactStall(watchdog.verdict);
  if (stall) await appendFile(logPath, stallLogLine(stall)).catch(() => undefined);
  if (!run.result && run.sessionId) await addTranscriptCost(run, account, worktree);
  // Changed = the branch differs from its base after the session, whoever made the commits (a rerun after a
  // runner died having pushed finds the work already on the branch: that is the one PR, not no_changes).
  // The agent's work is staged here: the commit takes exactly this, not what the checks leave behind.
  const git = await trustedWorktree(deps, repo, worktree);
  // A follow-up starts from its PR's branch, which is already ahead of base: it changed something only if it is
  // ahead of that branch.
  const hasDiff = (await stageChanges(git)) || (await changedSince(git, job, repo)) > 0;
  const verdict = classifyOutcome({
    ...run,
    canceled: run.canceled && !watchdog.stalled,
    stall,
    text: run.tail,
    hasDiff,
    now: new Date(),
    fastFailMs: config.agent.fastFailSec * 1000,
    defaultBackoffMs: config.agent.rateLimitBackoffMin * 60_000,
  });
  return { run, verdict, hasDiff, logPath, prompt: promptReport, stall, cancel, ...(sandbox ? { sandbox } : {}) };
}

/** Commits the session's branch has beyond its start: the PR's head for a follow-up (when the remote still has it), else base. */
async function changedSince(worktree: WorktreeRef, job: SessionJob, repo: RepoConfig): Promise<number> {
  if (job.followUp) {
    try {
      return await commitsAhead(worktree, `origin/${job.branch}`);
    } catch {
      // The PR's branch is gone from the remote (merged and deleted): the follow-up started from base.
    }
  }
  return commitsAhead(worktree, `origin/${repo.baseBranch}`);
}

/** The verdict quotes the agent's command: it is redacted before it is stored or shown anywhere. */
function redactStall(verdict: StallVerdict): StallVerdict {
  const tool = verdict.tool && {
    ...verdict.tool,
    ...(verdict.tool.command ? { command: redactSecrets(verdict.tool.command) } : {}),
  };
  return {
    ...verdict,
    reason: redactSecrets(verdict.reason),
    lastSeen: redactSecrets(verdict.lastSeen),
    ...(tool ? { tool } : {}),
  };
}

/** A killed session printed no result: its cost is the sum of the usage records in its own transcript. */
async function addTranscriptCost(run: AgentRunResult, account: AccountConfig, worktree: string): Promise<void> {
  const configDir = account.configDir ?? process.env['CLAUDE_CONFIG_DIR'] ?? path.join(os.homedir(), '.claude');
  try {
    const totals = await sumTranscriptUsage(transcriptPath(configDir, worktree, run.sessionId!));
    run.usage = totals.usage;
    run.costUsd = totals.costUsd;
  } catch {
    // no transcript (the CLI died before writing one): usage stays what the stream showed
  }
}
