import type { FakeGitHubItem } from './github-store';

const WEB = 'https://github.com';

export function user(login: string): Record<string, unknown> {
  return { login, id: login.length, type: login.endsWith('[bot]') ? 'Bot' : 'User' };
}

function labels(item: FakeGitHubItem): Array<Record<string, unknown>> {
  return item.labels.map((name, i) => ({ id: i + 1, name, color: 'ededed', default: false, description: null }));
}

function assigned(item: FakeGitHubItem): Record<string, unknown> {
  const assignees = (item.assignees ?? []).map(user);
  return { assignee: assignees[0] ?? null, assignees };
}

/** An issue (or a PR seen through the issues API) with GitHub's field names. */
export function issueJson(
  api: string,
  repo: string,
  item: FakeGitHubItem,
  association = 'NONE',
): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: item.number * 1000,
    node_id: `I_${repo}_${item.number}`,
    url: `${api}/repos/${repo}/issues/${item.number}`,
    repository_url: `${api}/repos/${repo}`,
    html_url: `${WEB}/${repo}/${item.kind === 'pull' ? 'pull' : 'issues'}/${item.number}`,
    number: item.number,
    title: item.title,
    body: item.body || null,
    state: item.state,
    state_reason: item.stateReason,
    locked: false,
    labels: labels(item),
    user: user(item.user),
    author_association: association,
    ...assigned(item),
    comments: item.comments.length,
    created_at: item.createdAt,
    updated_at: item.updatedAt,
    closed_at: item.state === 'closed' ? item.updatedAt : null,
  };
  if (item.kind === 'pull')
    json['pull_request'] = {
      url: `${api}/repos/${repo}/pulls/${item.number}`,
      html_url: `${WEB}/${repo}/pull/${item.number}`,
    };
  return json;
}

/** A pull request with GitHub's field names. */
export function pullJson(
  api: string,
  repo: string,
  item: FakeGitHubItem,
  association = 'NONE',
): Record<string, unknown> {
  const owner = repo.split('/')[0]!;
  const ref = (name: string, sha = '0'.repeat(40)) => ({
    label: `${owner}:${name}`,
    ref: name,
    sha,
    repo: { full_name: repo, name: repo.split('/')[1] },
  });
  return {
    id: item.number * 1000,
    url: `${api}/repos/${repo}/pulls/${item.number}`,
    html_url: `${WEB}/${repo}/pull/${item.number}`,
    number: item.number,
    state: item.state,
    title: item.title,
    body: item.body || null,
    draft: item.draft ?? false,
    merged: item.merged ?? false,
    merged_at: item.merged ? item.updatedAt : null,
    labels: labels(item),
    user: user(item.user),
    author_association: association,
    ...assigned(item),
    requested_reviewers: (item.requestedReviewers ?? []).map(user),
    requested_teams: (item.requestedTeams ?? []).map((slug, i) => ({ id: i + 1, slug, name: slug })),
    head: ref(item.head!, item.headSha),
    base: ref(item.base!),
    created_at: item.createdAt,
    updated_at: item.updatedAt,
    closed_at: item.state === 'closed' ? item.updatedAt : null,
  };
}

/** An issue comment with GitHub's field names. */
export function commentJson(
  api: string,
  repo: string,
  number: number,
  c: { id: number; body: string; user: string; createdAt: string },
  association = 'NONE',
): Record<string, unknown> {
  return {
    id: c.id,
    url: `${api}/repos/${repo}/issues/comments/${c.id}`,
    html_url: `${WEB}/${repo}/issues/${number}#issuecomment-${c.id}`,
    body: c.body,
    user: user(c.user),
    author_association: association,
    created_at: c.createdAt,
    updated_at: c.createdAt,
  };
}
