import { type NightshiftConfig, type RepoConfig, resolveSandboxMode } from '@nightshift/config';
import { moveTicket, stateFor } from '@nightshift/domain';
import { type BaseMoveAction, CONFLICTS_LABEL, type PrBatch } from '@nightshift/follow-up-policy';
import type { Forge, PullRequest } from '@nightshift/forge';
import type { BaseStanding } from '@nightshift/git';
import type { EventLog, FollowUps, PrBaseStanding, PushedHeads, RunStore, TicketCounters } from '@nightshift/state';
import type { Tracker } from '@nightshift/tracker';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';

export interface BaseMoveDeps {
  config: NightshiftConfig;
  tracker: Tracker;
  forge: Forge;
  runs: RunStore;
  followUps: FollowUps;
  counters: TicketCounters;
  events: EventLog;
  pushedHeads: PushedHeads;
  /** `nightshift_pr_rebases_total{repo,result}`. */
  rebases: Counter<'repo' | 'result'>;
  logger: Logger;
  /** Remote forges: when each PR was last asked about (by url), so each is read at most once per interval. */
  lastRemoteCheck?: Map<string, number>;
  /** Default 5 minutes. */
  remoteCheckIntervalMs?: number;
  /** How the forge asks again while it computes `mergeable` (default: 3 reads, 2 s apart). */
  mergeableRetry?: { retryMs?: number; tries?: number };
}

/** What the base-move policy decided, done: a session, or one note and the label. Returns the ticket sent back. */
export async function act(
  deps: BaseMoveDeps,
  repo: RepoConfig,
  pr: PullRequest,
  batch: PrBatch,
  lead: string,
  standing: BaseStanding,
  action: BaseMoveAction,
  stand: (state: PrBaseStanding['state']) => Promise<void>,
): Promise<string | null> {
  const detail = {
    url: pr.url,
    base: standing.baseSha.slice(0, 12),
    files: standing.conflicts.slice(0, 20).join(',') || '(checks or rebase)',
  };
  if (action.kind === 'none') {
    await stand(standing.clean ? 'behind' : 'conflicting');
    return null;
  }
  if (action.kind === 'session') {
    const summary = `base ${repo.baseBranch} moved (${standing.baseCommits.length} commit(s)); conflicts on ${detail.files} in ${pr.url}`;
    await deps.followUps.markPending(lead, 'base-moved', summary);
    await moveTicket(deps, lead, stateFor('back_to_queue', deps.config.tracker.states)!, {
      repo: repo.name,
      from: deps.config.tracker.states.inReview,
      why: 'base branch moved: conflicts',
    });
    await deps.events.append({
      type: 'pr.conflict',
      repo: repo.name,
      ticket: lead,
      detail: { ...detail, round: action.round },
    });
    deps.rebases.inc({ repo: repo.name, result: 'session' });
    await stand('session');
    return lead;
  }
  // comment or capped: one note and the label, whatever number of scans see it.
  await stand(action.kind === 'capped' ? 'capped' : 'conflicting');
  if (!(await deps.counters.once(`base-move-noted:${pr.url}`))) return null;
  const why =
    action.kind === 'capped'
      ? `its ${action.rounds} follow-up round(s) are spent (followUp.maxRounds)`
      : 'this repo asks for a note only (onBaseMove: comment)';
  await deps.tracker.comment(
    lead,
    `${pr.url} no longer merges into ${repo.baseBranch} (conflicts on ${detail.files}); Nightshift started no session: ${why}. It is labelled "${CONFLICTS_LABEL}" and needs a human.`,
  );
  await deps.forge.findOrCreatePr({
    repo: repo.name,
    head: pr.head,
    base: pr.base,
    title: pr.title,
    body: pr.body,
    tickets: batch.tickets,
    labels: [CONFLICTS_LABEL],
  });
  await deps.events.append({
    type: 'pr.conflicts_capped',
    repo: repo.name,
    ticket: lead,
    detail: { ...detail, why: action.kind },
  });
  deps.rebases.inc({ repo: repo.name, result: action.kind });
  return null;
}

/** One note per foreign head commit: the branch holds a commit Nightshift did not push, so no rebase overwrites it. */
export async function humanPushed(
  deps: BaseMoveDeps,
  repo: RepoConfig,
  pr: PullRequest,
  lead: string,
  standing: BaseStanding,
): Promise<void> {
  if (!(await deps.counters.once(`base-move-foreign:${pr.url}:${standing.headSha}`))) return;
  await deps.tracker.comment(
    lead,
    `${repo.baseBranch} moved under ${pr.url}, but its branch ${pr.head} has a commit Nightshift did not push (${standing.headSha.slice(0, 12)}): Nightshift did not rebase it, so that commit is kept as it is. Rebase or merge ${repo.baseBranch} by hand.`,
  );
  await deps.events.append({
    type: 'pr.rebase_refused',
    repo: repo.name,
    ticket: lead,
    detail: { url: pr.url, head: standing.headSha.slice(0, 12), base: standing.baseSha.slice(0, 12) },
  });
}

/** A repo whose checks run in a sandbox on some host: the scanner runs no repo code, so a session rebases it. */
export function sandboxedChecks(config: NightshiftConfig, repo: RepoConfig): boolean {
  if (repo.checks.length === 0) return false;
  return [undefined, ...config.hosts.map((h) => h.name)].some((h) => resolveSandboxMode(config, h, repo) === 'podman');
}

/** `nightshift_pr_rebases_total{repo,result}`: what the base-move watch did about a PR whose base moved. */
export function prRebasesCounter(registry: Registry): Counter<'repo' | 'result'> {
  return new Counter({
    name: 'nightshift_pr_rebases_total',
    help: 'Open PRs whose base moved, by what Nightshift did: rebased, lease_refused, conflict, checks_failed, session, comment, capped',
    labelNames: ['repo', 'result'] as const,
    registers: [registry],
  });
}
