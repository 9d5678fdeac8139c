import type { GitHubStore } from './github-store';

/** What a route of the fake GitHub sees of one REST call. */
export interface RouteContext {
  store: GitHubStore;
  api: string;
  origin: string;
  path: string;
  login: string;
  /** Logins with access to the repos (review requests and assignees are checked against them). */
  collaborators: string[];
  /** Team slugs of the owner that may be asked for reviews. */
  teams: string[];
  headExists: (repo: string, branch: string) => boolean;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

export interface RouteAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const GITHUB_DOCS = 'https://docs.github.com/rest';
export const notFound = (): RouteAnswer => ({
  status: 404,
  body: { message: 'Not Found', documentation_url: GITHUB_DOCS, status: '404' },
});
export const invalid = (errors: unknown[]): RouteAnswer => ({
  status: 422,
  body: { message: 'Validation Failed', errors, documentation_url: GITHUB_DOCS, status: '422' },
});

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
  return {
    status: 200,
    body: items.slice((pageNo - 1) * perPage, pageNo * perPage),
    headers: links.length ? { link: links.join(', ') } : {},
  };
}
