import { appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { accountEnv, SESSION_ENV, classifyOutcome, stallCheckMs, stallLimitsFromConfig, stallLogLine, StallMonitor, sumTranscriptUsage, transcriptPath, type AgentRunResult, type OutcomeClassification, type StallVerdict } from '@nightshift/agent';
import type { AccountConfig, RepoConfig } from '@nightshift/config';
import type { PromptReport, SessionJob } from '@nightshift/contracts';
import { redactSecrets, safeKey, type Ticket } from '@nightshift/domain';
import { assertSafeLaunch, commitsAhead, hookEnv, runHook, stageChanges } from '@nightshift/git';
import { launchPermissions } from '@nightshift/adapter-factories';
import { buildPrompt } from './build-prompt';
import type { CancelRequest } from './cancel-watcher';
import { readRules } from './read-rules';
import { readRepoTemplate } from './repo-template';
import { followUpReview } from './review-section';
import type { SessionDeps } from './session-deps';

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
}

/**
 * Runs the agent once in a ready worktree: builds the prompt, launches with the account's
 * credentials, watches for stalls and cancel requests, then classifies what happened. Cost comes
 * from the CLI's result event, or from its own transcript when it was killed before printing one.
 */
export async function launchAgent(deps: SessionDeps, job: SessionJob, repo: RepoConfig, account: AccountConfig, tickets: Ticket[], worktree: string, abort: AbortController, identity: AgentIdentity, learnings: string[] = [], repairSection?: string): Promise<AgentSession> {
  const { config } = deps;
  const template = repo.promptTemplate ? await readRepoTemplate(worktree, repo.promptTemplate, repo.name, 'promptTemplate') : undefined;
  const review = await followUpReview(deps, job);
  const built = buildPrompt({ repo: repo.name, branch: job.branch, tickets, rules: await readRules(worktree, repo.rulesFiles), learnings, review, template, maxTokens: config.agent.maxPromptTokens });
  const promptReport: PromptReport = { estimatedTokens: built.estimatedTokens, budgetTokens: config.agent.maxPromptTokens, cuts: built.cuts };
  // A repair round adds the failing checks' output after the budgeted prompt.
  const promptText = repairSection ? `${built.text}\n\n${repairSection}` : built.text;
  const { permissions, env: permissionEnv } = launchPermissions(config, repo);
  const logPath = path.join(config.paths.logs, `${safeKey(job.runId)}.jsonl`);
  const checkMs = stallCheckMs(config.agent.stallTimeoutSec);
  const watchdog = new StallMonitor({ limits: stallLimitsFromConfig(config.agent, checkMs), checkMs, onStall: () => abort.abort() });
  let cancel: CancelRequest | undefined;
  const unwatch = deps.cancels.watch(job.runId, (req) => {
    cancel = req;
    abort.abort();
  });
  const worktreeKey = path.basename(worktree);
  const hookOpts = { cwd: worktree, root: config.paths.worktrees, worktreeKey, timeoutMs: config.hooks.timeoutSec * 1000, env: hookEnv({ repo: repo.name, branch: job.branch, runId: job.runId, worktreeKey }) };
  // The agent runs only inside its own worktree under the root, symlinks resolved.
  await assertSafeLaunch({ root: config.paths.worktrees, worktreeKey, worktreePath: worktree, cwd: worktree });
  // A failing beforeRun hook throws: the session ends as infra_error and spends no attempt.
  if (repo.hooks.beforeRun) await runHook('beforeRun', repo.hooks.beforeRun, hookOpts);
  let run: AgentRunResult;
  try {
    run = await deps.agent.run({
      runId: job.runId,
      cwd: worktree,
      prompt: promptText,
      model: job.model,
      maxTurns: config.agent.maxTurns,
      permissionMode: config.agent.permissionMode,
      ...(config.budgets.perSessionUsd === undefined ? {} : { maxBudgetUsd: config.budgets.perSessionUsd }),
      permissions,
      timeoutMs: config.agent.sessionTimeoutMin * 60_000,
      logPath,
      env: { ...accountEnv(account), ...permissionEnv, [SESSION_ENV]: identity.sessionKey },
      signal: abort.signal,
      onSpawn: (pid) => {
        watchdog.start(pid);
        identity.onSpawn(pid);
      },
      onOutput: () => watchdog.output(),
      onEvent: (event) => watchdog.event(event),
    });
  } finally {
    watchdog.stop();
    unwatch();
    if (repo.hooks.afterRun) {
      await runHook('afterRun', repo.hooks.afterRun, hookOpts).catch((err: unknown) => deps.logger.warn({ run: job.runId, err: String(err) }, 'afterRun hook failed; going on'));
    }
  }
  const stall = watchdog.verdict && redactStall(watchdog.verdict);
  if (stall) await appendFile(logPath, stallLogLine(stall)).catch(() => undefined);
  if (!run.result && run.sessionId) await addTranscriptCost(run, account, worktree);
  // Changed = the branch differs from its base after the session, whoever made the commits (a rerun after a
  // runner died having pushed finds the work already on the branch: that is the one PR, not no_changes).
  // The agent's work is staged here: the commit takes exactly this, not what the checks leave behind.
  const hasDiff = (await stageChanges(worktree)) || (await commitsAhead(worktree, `origin/${repo.baseBranch}`)) > 0;
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
  return { run, verdict, hasDiff, logPath, prompt: promptReport, stall, cancel };
}

/** The verdict quotes the agent's command: it is redacted before it is stored or shown anywhere. */
function redactStall(verdict: StallVerdict): StallVerdict {
  const tool = verdict.tool && { ...verdict.tool, ...(verdict.tool.command ? { command: redactSecrets(verdict.tool.command) } : {}) };
  return { ...verdict, reason: redactSecrets(verdict.reason), lastSeen: redactSecrets(verdict.lastSeen), ...(tool ? { tool } : {}) };
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

