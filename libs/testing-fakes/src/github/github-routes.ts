import { commentJson, issueJson, pullJson } from './github-json';
import type { FakeGitHubItem, GitHubStore } from './github-store';
import { reviewRoutes } from './github-review-routes';

export interface RouteContext {
  store: GitHubStore;
  api: string;
  origin: string;
  path: string;
  login: string;
  headExists: (repo: string, branch: string) => boolean;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

export interface RouteAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const DOC = 'https://docs.github.com/rest';
export const notFound = (): RouteAnswer => ({ status: 404, body: { message: 'Not Found', documentation_url: DOC, status: '404' } });
export const invalid = (errors: unknown[]): RouteAnswer => ({ status: 422, body: { message: 'Validation Failed', errors, documentation_url: DOC, status: '422' } });

/** GitHub's page/per_page pagination with a Link header (per_page max 100, default 30). */
export function paginate<T>(items: T[], ctx: RouteContext): RouteAnswer {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.get('per_page') ?? 30)));
  const pageNo = Math.max(1, Number(ctx.query.get('page') ?? 1));
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number, rel: string) => {
    const q = new URLSearchParams(ctx.query);
    q.set('page', String(p));
    q.set('per_page', String(perPage));
    return `<${ctx.origin}${ctx.path}?${q.toString()}>; rel="${rel}"`;
  };
  const links = [];
  if (pageNo < last) links.push(link(pageNo + 1, 'next'), link(last, 'last'));
  if (pageNo > 1) links.push(link(1, 'first'), link(pageNo - 1, 'prev'));
  return { status: 200, body: items.slice((pageNo - 1) * perPage, pageNo * perPage), headers: links.length ? { link: links.join(', ') } : {} };
}

/** Answers one REST call against the store. */
export function githubRoutes(method: string, path: string, ctx: RouteContext): RouteAnswer {
  const review = reviewRoutes(method, path, ctx);
  if (review) return review;
  const m = /^\/repos\/([^/]+)\/([^/]+)\/(pulls|issues)(?:\/(\d+))?(?:\/(comments|labels))?(?:\/([^/]+))?$/.exec(path);
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
        .filter((i) => !head || `${owner}:${i.head}`.toLowerCase() === head.toLowerCase() || (!head.includes(':') && i.head === head))
        .filter((i) => !base || i.base === base)
        .sort((a, b) => b.number - a.number);
      return paginate(pulls.map((i) => pullJson(ctx.api, repo, i)), ctx);
    }
    case 'POST pulls':
      return createPull(repo, items, ctx);
    case 'GET pulls/:n':
      return { status: 200, body: pullJson(ctx.api, repo, item!) };
    case 'PATCH pulls/:n':
    case 'PATCH issues/:n':
      return edit(repo, item!, ctx, kind === 'pulls');
    case 'GET issues': {
      const state = ctx.query.get('state') ?? 'open';
      const wanted = (ctx.query.get('labels') ?? '').split(',').map((l) => l.trim().toLowerCase()).filter(Boolean);
      const found = items
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)))
        .sort((a, b) => (ctx.query.get('direction') === 'asc' ? a.number - b.number : b.number - a.number));
      return paginate(found.map((i) => issueJson(ctx.api, repo, i)), ctx);
    }
    case 'GET issues/:n':
      return { status: 200, body: issueJson(ctx.api, repo, item!) };
    case 'GET issues/:n/comments':
      return paginate(item!.comments.map((c) => commentJson(ctx.api, repo, item!.number, c)), ctx);
    case 'POST issues/:n/comments': {
      if (typeof ctx.body['body'] !== 'string' || !ctx.body['body']) return invalid([{ resource: 'IssueComment', field: 'body', code: 'missing_field' }]);
      const c = ctx.store.comment(item!, ctx.body['body'], ctx.login);
      return { status: 201, body: commentJson(ctx.api, repo, item!.number, c) };
    }
    case 'POST issues/:n/labels':
    case 'PUT issues/:n/labels': {
      const labels = ctx.body['labels'];
      if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) return invalid([{ resource: 'Label', field: 'labels', code: 'invalid' }]);
      const next = method === 'PUT' ? [] : [...item!.labels];
      for (const l of labels as string[]) if (!next.some((x) => x.toLowerCase() === l.toLowerCase())) next.push(l);
      item!.labels = next;
      ctx.store.touch(item!);
      return { status: 200, body: next.map((name, i) => ({ id: i + 1, name, color: 'ededed', default: false, description: null })) };
    }
    case 'DELETE issues/:n/labels/:id': {
      const name = decodeURIComponent(subId!);
      const before = item!.labels.length;
      item!.labels = item!.labels.filter((l) => l.toLowerCase() !== name.toLowerCase());
      if (item!.labels.length === before) return { status: 404, body: { message: 'Label does not exist', documentation_url: DOC, status: '404' } };
      ctx.store.touch(item!);
      return { status: 200, body: item!.labels.map((n, i) => ({ id: i + 1, name: n, color: 'ededed', default: false, description: null })) };
    }
    default:
      return notFound();
  }
}

function createPull(repo: string, items: FakeGitHubItem[], ctx: RouteContext): RouteAnswer {
  const { title, head, base, body, draft } = ctx.body as { title?: string; head?: string; base?: string; body?: string; draft?: boolean };
  if (!title) return invalid([{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
  if (!head || !base) return invalid([{ resource: 'PullRequest', field: head ? 'base' : 'head', code: 'missing_field' }]);
  const branch = head.includes(':') ? head.split(':')[1]! : head;
  if (!ctx.headExists(repo, branch)) return invalid([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
  if (items.some((i) => i.kind === 'pull' && i.state === 'open' && i.head === branch && i.base === base)) {
    return invalid([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repo.split('/')[0]}:${branch}.` }]);
  }
  const item = ctx.store.add(repo, { kind: 'pull', title, body: body ?? '', labels: [], state: 'open', user: ctx.login, head: branch, base, draft: draft ?? false });
  return { status: 201, body: pullJson(ctx.api, repo, item) };
}

function edit(repo: string, item: FakeGitHubItem, ctx: RouteContext, asPull: boolean): RouteAnswer {
  const b = ctx.body as { state?: string; state_reason?: string; labels?: string[]; title?: string; body?: string };
  if (b.state !== undefined) {
    if (b.state !== 'open' && b.state !== 'closed') return invalid([{ resource: 'Issue', field: 'state', code: 'invalid' }]);
    item.state = b.state;
    item.stateReason = b.state === 'closed' ? (b.state_reason ?? 'completed') : 'reopened';
  }
  if (b.labels !== undefined) item.labels = [...b.labels];
  if (b.title !== undefined) item.title = b.title;
  if (b.body !== undefined) item.body = b.body;
  ctx.store.touch(item);
  return { status: 200, body: asPull ? pullJson(ctx.api, repo, item) : issueJson(ctx.api, repo, item) };
}
