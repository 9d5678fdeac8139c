import { pullJson } from './github-json';
import { GITHUB_DOCS, notFound, type RouteAnswer, type RouteContext } from './github-route-answers';
import { fakeSha } from './github-store';

const unprocessable = (message: string): RouteAnswer => ({
  status: 422,
  body: { message, documentation_url: `${GITHUB_DOCS}/pulls/pulls#update-a-pull-request-branch`, status: '422' },
});

/**
 * `PUT /repos/{owner}/{repo}/pulls/{n}/update-branch`: GitHub merges the base into the PR's branch (a merge
 * commit, no force push) and answers 202. With `expected_head_sha` it refuses (422) when the branch's head is
 * another commit — someone pushed since — and when the branch is not behind its base there is nothing to merge.
 */
export function updateBranchRoute(method: string, path: string, ctx: RouteContext): RouteAnswer | null {
  const m = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/update-branch$/.exec(path);
  if (!m) return null;
  if (method !== 'PUT') return notFound();
  const repo = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
  const item = ctx.store.repo(repo)?.find((i) => i.number === Number(m[3]) && i.kind === 'pull');
  if (!item || item.state !== 'open') return notFound();
  const expected = ctx.body['expected_head_sha'];
  if (typeof expected === 'string' && expected !== item.headSha)
    return unprocessable("expected head sha didn't match current head ref.");
  if (item.mergeability?.state !== 'behind') return unprocessable('There are no new commits on the base branch.');
  item.headSha = fakeSha(`${repo}#${item.number}:update-branch:${item.headSha}`);
  item.mergeability = { mergeable: true, state: 'clean', readyAt: null };
  ctx.store.touch(item);
  const url = (pullJson(ctx.api, repo, item, 'NONE') as { html_url: string }).html_url;
  return { status: 202, body: { message: 'Updating pull request branch.', url } };
}
