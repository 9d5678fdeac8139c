import { issueJson, pullJson } from './github-json';
import { invalid, notFound, type RouteAnswer, type RouteContext } from './github-route-answers';

/** GitHub keeps at most this many assignees on an issue or pull request. */
const MAX_ASSIGNEES = 10;

/**
 * Review requests (`POST /repos/{o}/{r}/pulls/{n}/requested_reviewers`) and assignees
 * (`POST /repos/{o}/{r}/issues/{n}/assignees`), refused as GitHub refuses them: the whole review request
 * fails with 422 when one reviewer is not a collaborator (or is the PR's author, or a team is unknown);
 * an assignee without access is silently left out, and past 10 the rest are dropped. Null for any other path.
 */
export function assignmentRoutes(method: string, path: string, ctx: RouteContext): RouteAnswer | null {
  const m = /^\/repos\/([^/]+)\/([^/]+)\/(pulls\/(\d+)\/requested_reviewers|issues\/(\d+)\/assignees)$/.exec(path);
  if (!m || method !== 'POST') return null;
  const repo = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
  const items = ctx.store.repo(repo);
  const number = Number(m[4] ?? m[5]);
  const item = items?.find((i) => i.number === number);
  if (!item || (m[4] && item.kind !== 'pull')) return notFound();
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  const collaborator = (login: string) => ctx.collaborators.some((c) => c.toLowerCase() === login.toLowerCase());

  if (m[4]) {
    const reviewers = (ctx.body['reviewers'] ?? []) as string[];
    const teams = (ctx.body['team_reviewers'] ?? []) as string[];
    if (!strings(reviewers) || !strings(teams))
      return invalid([{ resource: 'PullRequest', field: 'reviewers', code: 'invalid' }]);
    if (reviewers.some((r) => r.toLowerCase() === item.user.toLowerCase()))
      return { status: 422, body: validation('Review cannot be requested from pull request author.') };
    if (!reviewers.every(collaborator) || !teams.every((t) => ctx.teams.includes(t)))
      return {
        status: 422,
        body: validation(
          `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${repo} repository.`,
        ),
      };
    item.requestedReviewers = union(item.requestedReviewers, reviewers);
    item.requestedTeams = union(item.requestedTeams, teams);
    ctx.store.touch(item);
    return { status: 201, body: pullJson(ctx.api, repo, item) };
  }

  const assignees = ctx.body['assignees'];
  if (!strings(assignees)) return invalid([{ resource: 'Issue', field: 'assignees', code: 'invalid' }]);
  item.assignees = union(item.assignees, (assignees as string[]).filter(collaborator)).slice(0, MAX_ASSIGNEES);
  ctx.store.touch(item);
  return { status: 201, body: issueJson(ctx.api, repo, item) };
}

function validation(message: string): Record<string, unknown> {
  return { message, documentation_url: 'https://docs.github.com/rest', status: '422' };
}

/** `have` plus the new names of `add`, in order, case-insensitively unique. */
function union(have: string[] | undefined, add: string[]): string[] {
  const out = [...(have ?? [])];
  for (const a of add) if (!out.some((x) => x.toLowerCase() === a.toLowerCase())) out.push(a);
  return out;
}
