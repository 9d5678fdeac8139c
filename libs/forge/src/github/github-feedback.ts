import { type IgnoredNote, isTrustedAuthor, type TrustPolicy } from '@nightshift/domain';
import type { GitHubClient } from '@nightshift/github-client';

import {
  type FailedCheck,
  type FeedbackQuery,
  isForeignNote,
  type PrFeedback,
  type ReviewNote,
} from '../review-feedback';

interface Where {
  owner: string;
  repo: string;
}
interface OpenPull {
  number: number;
  html_url: string;
  updated_at: string;
  head: { ref: string; sha: string };
}
interface User {
  login?: string;
  type?: string;
}
interface Comment {
  body?: string | null;
  user?: User | null;
  author_association?: string;
  created_at: string;
  path?: string;
  line?: number | null;
  pull_request_url?: string;
  issue_url?: string;
}
interface Review {
  body?: string | null;
  state: string;
  user?: User | null;
  author_association?: string;
  submitted_at?: string | null;
}
interface CheckRunData {
  name: string;
  conclusion?: string | null;
  completed_at?: string | null;
  html_url?: string | null;
  output?: { title?: string | null; summary?: string | null; text?: string | null };
}

const FAILED = new Set(['failure', 'timed_out']);

/**
 * Reads review feedback for the queried heads of one repo, spending as few calls as GitHub allows:
 * one listing each of open PRs, line comments and PR comments for the whole repo (since the oldest
 * `since`), then per watched PR only what GitHub has no repo-wide listing for: its reviews (only when
 * the PR was updated since) and its head's check runs. `call` wraps each request so failures become the forge's errors.
 * A note whose author `trust` does not cover (by `author_association`, bots only when listed) is
 * returned in `ignored`, without its text.
 */
export async function readGitHubFeedback(
  client: GitHubClient,
  where: Where,
  queries: FeedbackQuery[],
  call: <T>(what: string, fn: () => Promise<T>) => Promise<T>,
  trust: TrustPolicy,
): Promise<PrFeedback[]> {
  if (queries.length === 0) return [];
  const name = `${where.owner}/${where.repo}`;
  const oldest = queries.map((q) => q.since).sort()[0]!;
  const open = (await call(`listing open PRs of ${name}`, () =>
    client.paginate(client.rest.pulls.list, { ...where, state: 'open', per_page: 100 }),
  )) as OpenPull[];
  const watched = queries.flatMap((q) => {
    const pr = open.find((p) => p.head.ref === q.head);
    return pr ? [{ pr, since: q.since }] : [];
  });
  if (watched.length === 0) return [];
  const lineComments = (await call(`listing review comments of ${name}`, () =>
    client.paginate(client.rest.pulls.listReviewCommentsForRepo, { ...where, since: oldest, per_page: 100 }),
  )) as Comment[];
  const prComments = (await call(`listing PR comments of ${name}`, () =>
    client.paginate(client.rest.issues.listCommentsForRepo, { ...where, since: oldest, per_page: 100 }),
  )) as Comment[];
  const out: PrFeedback[] = [];
  for (const { pr, since } of watched) {
    // A review bumps the PR's updated_at: a PR untouched since `since` has no new review, and costs no call.
    const reviews =
      pr.updated_at > since
        ? ((await call(`listing reviews of ${name}#${pr.number}`, () =>
            client.paginate(client.rest.pulls.listReviews, { ...where, pull_number: pr.number, per_page: 100 }),
          )) as Review[])
        : [];
    const checks = (
      await call(`listing check runs of ${name}#${pr.number}`, () =>
        client.rest.checks.listForRef({ ...where, ref: pr.head.sha, per_page: 100 }),
      )
    ).data.check_runs as CheckRunData[];
    const written: Array<{ note: ReviewNote; by: Review | Comment }> = [
      ...reviews
        .filter((r) => r.submitted_at && r.submitted_at > since && (r.body || r.state === 'CHANGES_REQUESTED'))
        .map((r) => ({
          by: r,
          note: {
            kind: 'review' as const,
            author: login(r.user),
            body: r.body || '(changes requested, no summary)',
            at: r.submitted_at!,
            state: r.state,
          },
        })),
      ...lineComments
        .filter((c) => c.pull_request_url?.endsWith(`/pulls/${pr.number}`) && c.created_at > since)
        .map((c) => ({
          by: c,
          note: {
            kind: 'review_comment' as const,
            author: login(c.user),
            body: c.body ?? '',
            at: c.created_at,
            ...(c.path ? { path: c.path } : {}),
            ...(c.line ? { line: c.line } : {}),
          },
        })),
      ...prComments
        .filter((c) => c.issue_url?.endsWith(`/issues/${pr.number}`) && c.created_at > since)
        .map((c) => ({
          by: c,
          note: { kind: 'comment' as const, author: login(c.user), body: c.body ?? '', at: c.created_at },
        })),
    ].filter(({ note }) => isForeignNote(note.body));
    const notes: ReviewNote[] = [];
    const ignored: IgnoredNote[] = [];
    for (const { note, by } of written) {
      const author = {
        login: note.author,
        bot: by.user?.type === 'Bot',
        ...(by.author_association ? { association: by.author_association } : {}),
      };
      if (isTrustedAuthor(author, trust)) notes.push(note);
      else
        ignored.push({
          kind: note.kind,
          author: note.author,
          association: by.author_association ?? 'NONE',
          at: note.at,
        });
    }
    const failedChecks: FailedCheck[] = checks
      .filter((c) => c.conclusion && FAILED.has(c.conclusion) && c.completed_at && c.completed_at > since)
      .map((c) => ({
        name: c.name,
        conclusion: c.conclusion!,
        at: c.completed_at!,
        log: [c.output?.title, c.output?.summary, c.output?.text].filter(Boolean).join('\n'),
        ...(c.html_url ? { url: c.html_url } : {}),
      }));
    if (notes.length > 0 || failedChecks.length > 0 || ignored.length > 0)
      out.push({
        repo: '',
        number: pr.number,
        url: pr.html_url,
        head: pr.head.ref,
        notes: notes.sort((a, b) => a.at.localeCompare(b.at)),
        failedChecks,
        ...(ignored.length ? { ignored } : {}),
      });
  }
  return out;
}

function login(user: User | null | undefined): string {
  return user?.login ?? 'someone';
}
