import { user } from './github-json';
import { invalid, paginate, type RouteAnswer, type RouteContext } from './github-route-answers';
import type { FakeGitHubItem } from './github-store';

const WEB = 'https://github.com';

/**
 * The review and CI endpoints: repo-wide review comments and PR comments (`since` filters on the
 * update time, as GitHub does), a PR's reviews, and the check runs of a commit (by SHA or branch).
 * Returns null for any other path.
 */
export function reviewRoutes(method: string, path: string, ctx: RouteContext): RouteAnswer | null {
  const m =
    /^\/repos\/([^/]+)\/([^/]+)\/(pulls\/comments|issues\/comments|pulls\/(\d+)\/reviews|commits\/([^/]+)\/check-runs)$/.exec(
      path,
    );
  if (!m || method !== 'GET') return null;
  const repo = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
  const items = ctx.store.repo(repo);
  if (!items)
    return {
      status: 404,
      body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
    };
  const since = ctx.query.get('since');
  if (since !== null && Number.isNaN(Date.parse(since)))
    return invalid([{ resource: 'Search', field: 'since', code: 'invalid' }]);
  const after = (at: string) => since === null || at >= since;
  const pulls = items.filter((i) => i.kind === 'pull');
  const api = ctx.api;

  if (m[3] === 'pulls/comments') {
    const all = pulls
      .flatMap((p) => (p.reviewComments ?? []).map((c) => ({ p, c })))
      .filter(({ c }) => after(c.createdAt))
      .sort((a, b) => a.c.id - b.c.id);
    return paginate(
      all.map(({ p, c }) => ({
        id: c.id,
        pull_request_url: `${api}/repos/${repo}/pulls/${p.number}`,
        html_url: `${WEB}/${repo}/pull/${p.number}#discussion_r${c.id}`,
        body: c.body,
        path: c.path,
        line: c.line,
        commit_id: p.headSha,
        user: user(c.user),
        author_association: ctx.store.association(repo, c.user),
        created_at: c.createdAt,
        updated_at: c.createdAt,
      })),
      ctx,
    );
  }
  if (m[3] === 'issues/comments') {
    const all = items
      .flatMap((i) => i.comments.map((c) => ({ i, c })))
      .filter(({ c }) => after(c.createdAt))
      .sort((a, b) => a.c.id - b.c.id);
    return paginate(
      all.map(({ i, c }) => ({
        id: c.id,
        issue_url: `${api}/repos/${repo}/issues/${i.number}`,
        html_url: `${WEB}/${repo}/${i.kind === 'pull' ? 'pull' : 'issues'}/${i.number}#issuecomment-${c.id}`,
        body: c.body,
        user: user(c.user),
        author_association: ctx.store.association(repo, c.user),
        created_at: c.createdAt,
        updated_at: c.createdAt,
      })),
      ctx,
    );
  }
  if (m[4]) {
    const pr = pulls.find((p) => p.number === Number(m[4]));
    if (!pr)
      return {
        status: 404,
        body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
      };
    return paginate(
      (pr.reviews ?? []).map((r) => ({
        id: r.id,
        user: user(r.user),
        author_association: ctx.store.association(repo, r.user),
        body: r.body,
        state: r.state,
        html_url: `${WEB}/${repo}/pull/${pr.number}#pullrequestreview-${r.id}`,
        commit_id: pr.headSha,
        submitted_at: r.submittedAt,
      })),
      ctx,
    );
  }
  const ref = decodeURIComponent(m[5]!);
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.get('per_page') ?? 30)));
  const runs = pulls.flatMap((p: FakeGitHubItem) =>
    (p.checkRuns ?? []).filter((r) => r.headSha === ref || (p.head === ref && r.headSha === p.headSha)),
  );
  return {
    status: 200,
    body: {
      total_count: runs.length,
      check_runs: runs.slice(0, perPage).map((r) => ({
        id: r.id,
        name: r.name,
        head_sha: r.headSha,
        status: 'completed',
        conclusion: r.conclusion,
        completed_at: r.completedAt,
        html_url: `${WEB}/${repo}/runs/${r.id}`,
        output: { title: r.output.title, summary: r.output.summary, text: r.output.text },
      })),
    },
  };
}
