import type { PullRequest } from './forge';
import { isForeignNote, type PrFeedback } from './review-feedback';

const FAILED = new Set(['failure', 'timed_out']);

/**
 * A local PR record's feedback newer than `since`: reviewers' notes (not Nightshift's own), and each
 * check whose latest run failed after `since` (a check that failed and then passed is not feedback).
 */
export function feedbackOf(pr: PullRequest, since: string): PrFeedback | null {
  const notes = (pr.reviews ?? []).filter((n) => n.at > since && isForeignNote(n.body));
  const latest = new Map<string, NonNullable<PullRequest['checkRuns']>[number]>();
  for (const run of pr.checkRuns ?? [])
    if (!latest.has(run.name) || latest.get(run.name)!.at <= run.at) latest.set(run.name, run);
  const failedChecks = [...latest.values()]
    .filter((r) => FAILED.has(r.conclusion) && r.at > since)
    .map((r) => ({ name: r.name, conclusion: r.conclusion, at: r.at, log: r.log }));
  if (notes.length === 0 && failedChecks.length === 0) return null;
  return { repo: pr.repo, number: pr.number, url: pr.url, head: pr.head, notes, failedChecks };
}
