import { assignmentRoutes } from './github-assignment-routes';
import { commentJson, issueJson, pullJson, user } from './github-json';
import { reviewRoutes } from './github-review-routes';
import { GITHUB_DOCS, invalid, notFound, paginate, type RouteAnswer, type RouteContext } from './github-route-answers';
import type { FakeGitHubItem } from './github-store';
import { updateBranchRoute } from './github-update-branch-route';

/** Answers one REST call against the store. */
export function githubRoutes(method: string, path: string, ctx: RouteContext): RouteAnswer {
  const review =
    reviewRoutes(method, path, ctx) ?? assignmentRoutes(method, path, ctx) ?? updateBranchRoute(method, path, ctx);
  if (review) return review;
  const m = /^\/repos\/([^/]+)\/([^/]+)\/(pulls|issues)(?:\/(\d+))?(?:\/(comments|labels|events))?(?:\/([^/]+))?$/.exec(
    path,
  );
  if (!m) return notFound();
  const repo = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
  const items = ctx.store.repo(repo);
  if (!items) return notFound();
  const [, , , kind, num, sub, subId] = m;
  const item = num ? items.find((i) => i.number === Number(num)) : undefined;
  if (num && (!item || (kind === 'pulls' && item.kind !== 'pull'))) return notFound();
  const route = `${method} ${kind}${num ? '/:n' : ''}${sub ? `/${sub}` : ''}${subId ? '/:id' : ''}`;

  switch (route) {
    case 'GET pulls': {
      const state = ctx.query.get('state') ?? 'open';
      const head = ctx.query.get('head');
      const base = ctx.query.get('base');
      const owner = repo.split('/')[0]!;
      const pulls = items
        .filter((i) => i.kind === 'pull' && (state === 'all' || i.state === state))
        .filter(
          (i) =>
            !head ||
            `${owner}:${i.head}`.toLowerCase() === head.toLowerCase() ||
            (!head.includes(':') && i.head === head),
        )
        .filter((i) => !base || i.base === base)
        .sort((a, b) => b.number - a.number);
      return paginate(
        pulls.map((i) => pullJson(ctx.api, repo, i, ctx.store.association(repo, i.user))),
        ctx,
      );
    }
    case 'POST pulls':
      return createPull(repo, items, ctx);
    case 'GET pulls/:n':
      return {
        status: 200,
        body: { ...pullJson(ctx.api, repo, item!, ctx.store.association(repo, item!.user)), ...mergeableJson(item!) },
      };
    case 'PATCH pulls/:n':
    case 'PATCH issues/:n':
      return edit(repo, item!, ctx, kind === 'pulls');
    case 'GET issues': {
      const state = ctx.query.get('state') ?? 'open';
      const wanted = (ctx.query.get('labels') ?? '')
        .split(',')
        .map((l) => l.trim().toLowerCase())
        .filter(Boolean);
      const found = items
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)))
        .sort((a, b) => (ctx.query.get('direction') === 'asc' ? a.number - b.number : b.number - a.number));
      return paginate(
        found.map((i) => issueJson(ctx.api, repo, i, ctx.store.association(repo, i.user))),
        ctx,
      );
    }
    case 'GET issues/:n':
      return { status: 200, body: issueJson(ctx.api, repo, item!, ctx.store.association(repo, item!.user)) };
    case 'GET issues/:n/comments':
      return paginate(
        item!.comments.map((c) => commentJson(ctx.api, repo, item!.number, c, ctx.store.association(repo, c.user))),
        ctx,
      );
    case 'GET issues/:n/events':
      return paginate(
        (item!.labelEvents ?? []).map((e) => ({
          id: e.id,
          event: 'labeled',
          actor: user(e.actor),
          label: { name: e.label, color: 'ededed' },
          created_at: e.createdAt,
        })),
        ctx,
      );
    case 'POST issues/:n/comments': {
      if (typeof ctx.body['body'] !== 'string' || !ctx.body['body'])
        return invalid([{ resource: 'IssueComment', field: 'body', code: 'missing_field' }]);
      const c = ctx.store.comment(item!, ctx.body['body'], ctx.login);
      return { status: 201, body: commentJson(ctx.api, repo, item!.number, c, ctx.store.association(repo, c.user)) };
    }
    case 'POST issues/:n/labels':
    case 'PUT issues/:n/labels': {
      const labels = ctx.body['labels'];
      if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string'))
        return invalid([{ resource: 'Label', field: 'labels', code: 'invalid' }]);
      const next = method === 'PUT' ? [] : [...item!.labels];
      for (const l of labels as string[]) if (!next.some((x) => x.toLowerCase() === l.toLowerCase())) next.push(l);
      ctx.store.setLabels(item!, next, ctx.login);
      ctx.store.touch(item!);
      return {
        status: 200,
        body: next.map((name, i) => ({ id: i + 1, name, color: 'ededed', default: false, description: null })),
      };
    }
    case 'DELETE issues/:n/labels/:id': {
      const name = decodeURIComponent(subId!);
      const before = item!.labels.length;
      item!.labels = item!.labels.filter((l) => l.toLowerCase() !== name.toLowerCase());
      if (item!.labels.length === before)
        return {
          status: 404,
          body: { message: 'Label does not exist', documentation_url: GITHUB_DOCS, status: '404' },
        };
      ctx.store.touch(item!);
      return {
        status: 200,
        body: item!.labels.map((n, i) => ({ id: i + 1, name: n, color: 'ededed', default: false, description: null })),
      };
    }
    default:
      return notFound();
  }
}

function createPull(repo: string, items: FakeGitHubItem[], ctx: RouteContext): RouteAnswer {
  const { title, head, base, body, draft } = ctx.body as {
    title?: string;
    head?: string;
    base?: string;
    body?: string;
    draft?: boolean;
  };
  if (!title) return invalid([{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
  if (!head || !base)
    return invalid([{ resource: 'PullRequest', field: head ? 'base' : 'head', code: 'missing_field' }]);
  const branch = head.includes(':') ? head.split(':')[1]! : head;
  if (!ctx.headExists(repo, branch)) return invalid([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
  if (items.some((i) => i.kind === 'pull' && i.state === 'open' && i.head === branch && i.base === base)) {
    return invalid([
      {
        resource: 'PullRequest',
        code: 'custom',
        message: `A pull request already exists for ${repo.split('/')[0]}:${branch}.`,
      },
    ]);
  }
  const item = ctx.store.add(repo, {
    kind: 'pull',
    title,
    body: body ?? '',
    labels: [],
    state: 'open',
    user: ctx.login,
    head: branch,
    base,
    draft: draft ?? false,
  });
  return { status: 201, body: pullJson(ctx.api, repo, item, ctx.store.association(repo, item.user)) };
}

function edit(repo: string, item: FakeGitHubItem, ctx: RouteContext, asPull: boolean): RouteAnswer {
  const b = ctx.body as { state?: string; state_reason?: string; labels?: string[]; title?: string; body?: string };
  if (b.state !== undefined) {
    if (b.state !== 'open' && b.state !== 'closed')
      return invalid([{ resource: 'Issue', field: 'state', code: 'invalid' }]);
    item.state = b.state;
    item.stateReason = b.state === 'closed' ? (b.state_reason ?? 'completed') : 'reopened';
  }
  if (b.labels !== undefined) ctx.store.setLabels(item, b.labels, ctx.login);
  if (b.title !== undefined) item.title = b.title;
  if (b.body !== undefined) item.body = b.body;
  ctx.store.touch(item);
  return {
    status: 200,
    body: asPull
      ? pullJson(ctx.api, repo, item, ctx.store.association(repo, item.user))
      : issueJson(ctx.api, repo, item, ctx.store.association(repo, item.user)),
  };
}

/**
 * `mergeable` as GitHub computes it: lazily, in a background job the first single-PR read after a change starts.
 * That read, and any before the job is done, answer null / "unknown"; a list of PRs never carries the field.
 */
function mergeableJson(item: FakeGitHubItem): Record<string, unknown> {
  const m = item.mergeability;
  if (!m) return { mergeable: true, mergeable_state: 'clean' };
  if (m.readyAt === null) m.readyAt = Date.now() + MERGEABLE_COMPUTE_MS;
  if (Date.now() < m.readyAt) return { mergeable: null, mergeable_state: 'unknown' };
  return { mergeable: m.mergeable, mergeable_state: m.state };
}

/** How long the fake's "background job" takes to compute `mergeable` once a read asked for it. */
export const MERGEABLE_COMPUTE_MS = 300;
