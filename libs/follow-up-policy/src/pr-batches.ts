import type { RunRecord } from '@nightshift/contracts';
import { branchForTicket } from '@nightshift/domain';
import type { Forge, PullRequest } from '@nightshift/forge';
import type { FollowUps, RunStore } from '@nightshift/state';

/**
 * A batch shares one PR, on its lead's branch: every ticket of it gets that PR's feedback, and a member sent
 * back to the queue follows up on that PR. These are the two ways to find a ticket's PR.
 */
export interface PrBatch {
  repo: string;
  /** The PR's head branch (the batch lead's). */
  head: string;
  url: string;
  /** The tickets whose latest PR is this one, in the order of the PR's latest run (its lead first). */
  tickets: string[];
  /** When the latest session of any of its tickets started (ISO): feedback newer than this is new. */
  since: string;
}

/**
 * The PRs a Nightshift session opened or updated (a run record carries the URL), each with every ticket of its
 * batch: the PRs the review watch asks the forge about. Read from Redis, so the tracker is not asked until
 * there is feedback to act on.
 */
export async function prBatches(runs: RunStore): Promise<PrBatch[]> {
  const records = await runs.list(5000);
  const latestStart = new Map<string, string>();
  const latestPrRun = new Map<string, RunRecord>();
  for (const run of records)
    for (const ticket of run.tickets) {
      if ((latestStart.get(ticket) ?? '') < run.startedAt) latestStart.set(ticket, run.startedAt);
      if (run.prUrl && (latestPrRun.get(ticket)?.startedAt ?? '') <= run.startedAt) latestPrRun.set(ticket, run);
    }
  const byUrl = new Map<string, { batch: PrBatch; order: RunRecord }>();
  for (const [ticket, run] of latestPrRun) {
    const entry = byUrl.get(run.prUrl!) ?? {
      batch: { repo: run.repo, head: headOf(run), url: run.prUrl!, tickets: [], since: '' },
      order: run,
    };
    if (run.startedAt > entry.order.startedAt) entry.order = run;
    entry.batch.tickets.push(ticket);
    const start = latestStart.get(ticket)!;
    if (start > entry.batch.since) entry.batch.since = start;
    byUrl.set(run.prUrl!, entry);
  }
  return [...byUrl.values()].map(({ batch, order }) => {
    const rank = (t: string) => (order.tickets.includes(t) ? order.tickets.indexOf(t) : order.tickets.length);
    return { ...batch, tickets: [...batch.tickets].sort((a, b) => rank(a) - rank(b)) };
  });
}

/**
 * The ticket's open PR: the one on its own branch, else its batch's (the PR on the branch its latest run worked
 * on, another ticket's, when that PR's `tickets` name it). Without the second, a batch member sent back to the
 * queue would open a second PR for work that already has one.
 */
export async function findTicketPr(
  deps: { forge: Forge; runs: RunStore },
  repo: string,
  ticket: string,
): Promise<PullRequest | null> {
  const own = branchForTicket(ticket);
  const open = await deps.forge.findOpenPr(repo, own);
  if (open) return open;
  const last = await deps.runs.branchOf(ticket);
  if (!last || last.repo !== repo || last.branch === own) return null;
  const pr = await deps.forge.findOpenPr(repo, last.branch);
  return pr?.tickets.includes(ticket) ? pr : null;
}

/** Follow-up rounds a PR has used: the most any of its tickets has (a follow-up counts its round on each). */
export async function batchRounds(followUps: FollowUps, tickets: string[]): Promise<number> {
  let most = 0;
  for (const ticket of tickets) most = Math.max(most, await followUps.rounds(ticket));
  return most;
}

/** Records written before runs kept their branch: a run's branch was its lead's. */
function headOf(run: RunRecord): string {
  return run.branch ?? branchForTicket(run.tickets[0]!);
}
