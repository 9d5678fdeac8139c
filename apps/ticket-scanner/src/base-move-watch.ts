import type { RepoConfig } from '@nightshift/config';
import { redactSecrets } from '@nightshift/domain';
import { batchRounds, decideBaseMove, type PrBatch, prBatches } from '@nightshift/follow-up-policy';
import type { PullRequest } from '@nightshift/forge';
import type { BaseStanding } from '@nightshift/git';
import type { PrBaseStanding } from '@nightshift/state';

import { act, type BaseMoveDeps, humanPushed, sandboxedChecks } from './base-move-actions';
import { noteOverlaps } from './pr-overlaps';
import { BaseMoveClone, rebasePr } from './rebase-pr';

export { type BaseMoveDeps, prRebasesCounter } from './base-move-actions';

/**
 * Once per scan (local forge): each open PR a Nightshift session opened is checked against its base in a scratch
 * clone (`merge-tree`, no work tree touched). A PR behind its base is handled as the base-move policy says: rebased
 * and pushed with a lease on the commit Nightshift last pushed (a human's commit is never overwritten: a refused
 * lease gets one note instead), or sent to a follow-up session on its branch with the conflict in its prompt, or
 * noted once and labelled `conflicts`. Returns the tickets sent back to the queue.
 */
export async function watchBaseMoves(deps: BaseMoveDeps, now = new Date()): Promise<string[]> {
  if (deps.forge.kind !== 'local') return watchRemoteBaseMoves(deps, now);
  const open = (await deps.forge.listPrs()).filter((p) => p.state === 'open');
  const batches = new Map((await prBatches(deps.runs)).map((b) => [b.url, b]));
  const sent: string[] = [];
  for (const repo of deps.config.repos) {
    if (repo.onBaseMove === 'off') continue;
    const prs = open.filter((p) => p.repo === repo.name && p.base === repo.baseBranch && batches.has(p.url));
    if (prs.length === 0) continue;
    let clone: BaseMoveClone;
    try {
      clone = await BaseMoveClone.open(
        repo,
        prs.map((p) => p.head),
      );
    } catch (err) {
      deps.logger.warn(
        { repo: repo.name, err: redactSecrets(String(err)) },
        'could not fetch the base and PR heads; trying again next scan',
      );
      continue;
    }
    try {
      await noteOverlaps(deps, clone, repo, prs, batches).catch((err: unknown) =>
        deps.logger.warn({ repo: repo.name, err: redactSecrets(String(err)) }, 'could not compare the open PRs'),
      );
      for (const pr of prs) {
        const ticket = await handlePr(
          deps,
          clone,
          await clone.standing(pr.head),
          repo,
          pr,
          batches.get(pr.url)!,
          now,
        ).catch((err: unknown) => {
          deps.logger.warn(
            { repo: repo.name, pr: pr.url, err: redactSecrets(String(err)) },
            'base-move check failed; trying again next scan',
          );
          return null;
        });
        if (ticket) sent.push(ticket);
      }
    } finally {
      await clone.close();
    }
  }
  return sent;
}

/**
 * A remote forge (GitHub): each open Nightshift PR's `mergeable` as the forge computes it, each PR read at most
 * once per `remoteCheckIntervalMs` (the budget: one read, or a few while GitHub computes). A conflict goes to a
 * session like on the local forge; a clean PR behind its base is left to its reviewer (no scanner-side rebase).
 */
async function watchRemoteBaseMoves(deps: BaseMoveDeps, now: Date): Promise<string[]> {
  const forge = deps.forge;
  if (!forge.mergeability) return [];
  const sent: string[] = [];
  for (const batch of await prBatches(deps.runs)) {
    const repo = deps.config.repos.find((r) => r.name === batch.repo);
    if (!repo || repo.onBaseMove === 'off') continue;
    const last = deps.lastRemoteCheck?.get(batch.url) ?? 0;
    if (now.getTime() - last < (deps.remoteCheckIntervalMs ?? 5 * 60_000)) continue;
    deps.lastRemoteCheck?.set(batch.url, now.getTime());
    try {
      const pr = await forge.findOpenPr(repo.name, batch.head);
      if (!pr || pr.base !== repo.baseBranch) continue;
      const m = await forge.mergeability(repo.name, pr.number, deps.mergeableRetry);
      // Still computing after its reads: asked again on a later scan.
      if (m.mergeable === null) continue;
      const standing: BaseStanding = {
        baseSha: m.state,
        headSha: m.headSha,
        behind: m.state === 'behind' || m.mergeable === false,
        clean: m.mergeable,
        conflicts: [],
        baseCommits: [],
      };
      const ticket = await handlePr(deps, null, standing, repo, pr, batch, now);
      if (ticket) sent.push(ticket);
    } catch (err) {
      deps.logger.warn(
        { repo: repo.name, pr: batch.url, err: redactSecrets(String(err)) },
        'could not read whether the PR merges; trying again next scan',
      );
    }
  }
  return sent;
}

/** Recorded as the lease after a forge-side update, until the next read tells the commit the forge made. */
const PENDING_FORGE_UPDATE = 'pending:forge-update';

async function handlePr(
  deps: BaseMoveDeps,
  clone: BaseMoveClone | null,
  standing: BaseStanding,
  repo: RepoConfig,
  pr: PullRequest,
  batch: PrBatch,
  now: Date,
): Promise<string | null> {
  const stand = (state: PrBaseStanding['state']) =>
    deps.pushedHeads.setStanding(pr.url, { state, base: standing.baseSha, at: now.toISOString() });
  // The forge's own merge commit (update-branch) becomes the lease at the first read after it.
  if (!clone && standing.headSha && (await deps.pushedHeads.last(repo.name, pr.head)) === PENDING_FORGE_UPDATE)
    await deps.pushedHeads.record(repo.name, pr.head, standing.headSha);
  if (!standing.behind) {
    // "rebased" stays until the base moves again: that is what a reviewer asking "did Nightshift rebase it?" reads.
    const prev = await deps.pushedHeads.standingOf(pr.url);
    if (prev?.state !== 'rebased' || prev.base !== standing.baseSha) await stand('up-to-date');
    return null;
  }
  // A session (or a human) works on the branch, or a ticket of it already waits in the queue: not ours now.
  const { inReview, inProgress, queue } = deps.config.tracker.states;
  const states = new Map<string, string | undefined>();
  for (const t of batch.tickets) states.set(t, (await deps.tracker.getTicket(t))?.state);
  if ([...states.values()].some((s) => s === inProgress || (s !== undefined && queue.includes(s)))) return null;
  const lead = batch.tickets.find((t) => states.get(t) === inReview);
  if (!lead) return null;
  const lease = await deps.pushedHeads.last(repo.name, pr.head);
  const input = {
    mode: repo.onBaseMove,
    behind: true,
    clean: standing.clean,
    // Locally: a rebase in the scratch clone (the repo's checks run there, so not for sandboxed checks). On a forge
    // that updates a branch itself (GitHub), the base is merged in there and its CI runs on the new head.
    canRebase:
      lease !== null && (clone !== null ? !sandboxedChecks(deps.config, repo) : deps.forge.updateBranch !== undefined),
    roundsUsed: await batchRounds(deps.followUps, batch.tickets),
    now,
  };
  let action = decideBaseMove(deps.config.followUp, input);
  if (action.kind === 'rebase' && !clone) return updateOnForge(deps, repo, pr, lead, standing, lease!, stand);
  if (action.kind === 'rebase' && clone) {
    if (standing.headSha !== lease) {
      // Someone else pushed to the branch since Nightshift did: their commit stays; say so once per commit.
      await humanPushed(deps, repo, pr, lead, standing);
      await stand('human-pushed');
      return null;
    }
    const done = await rebasePr(deps, clone, repo, pr.head, lease!, lead);
    deps.rebases.inc({ repo: repo.name, result: done.result });
    if (done.result === 'rebased') {
      await deps.pushedHeads.record(repo.name, pr.head, done.head);
      await deps.events.append({
        type: 'pr.rebased',
        repo: repo.name,
        ticket: lead,
        detail: {
          url: pr.url,
          base: standing.baseSha.slice(0, 12),
          head: done.head.slice(0, 12),
          checks: repo.checks.length,
        },
      });
      await stand('rebased');
      return null;
    }
    if (done.result === 'lease_refused') {
      await humanPushed(deps, repo, pr, lead, standing);
      await stand('human-pushed');
      return null;
    }
    // It did not rebase commit by commit, or its checks fail on the new base: a session repairs it on the branch.
    action = decideBaseMove(deps.config.followUp, { ...input, clean: false });
  }
  return act(deps, repo, pr, batch, lead, standing, action, stand);
}

/**
 * A clean PR behind its base on a remote forge: the forge merges the base in (GitHub's update-branch), leased on
 * the commit Nightshift last pushed — a human's commit on the branch refuses it, and gets the one note instead.
 */
async function updateOnForge(
  deps: BaseMoveDeps,
  repo: RepoConfig,
  pr: PullRequest,
  lead: string,
  standing: BaseStanding,
  lease: string,
  stand: (state: PrBaseStanding['state']) => Promise<void>,
): Promise<null> {
  const result =
    standing.headSha === lease ? await deps.forge.updateBranch!(repo.name, pr.number, lease) : 'head_moved';
  deps.rebases.inc({ repo: repo.name, result: result === 'updated' ? 'rebased' : 'lease_refused' });
  if (result === 'head_moved') {
    await humanPushed(deps, repo, pr, lead, standing);
    await stand('human-pushed');
    return null;
  }
  // The new head is the forge's merge commit, made on Nightshift's behalf: the lease moves to it at the next read.
  await deps.pushedHeads.record(repo.name, pr.head, PENDING_FORGE_UPDATE);
  await deps.events.append({
    type: 'pr.rebased',
    repo: repo.name,
    ticket: lead,
    detail: { url: pr.url, base: standing.baseSha.slice(0, 12), by: 'forge update-branch' },
  });
  await stand('rebased');
  return null;
}
