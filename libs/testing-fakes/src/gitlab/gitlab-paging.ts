/**
 * GitLab's offset pagination for a list answer: `per_page` (capped at 100 whatever is asked, default 20) and
 * `page`, with the x-total / x-total-pages / x-per-page / x-page / x-next-page headers and a `rel="next"` Link.
 */
export function gitlabPage<T>(
  hits: T[],
  url: URL,
  origin: string,
  toJson: (hit: T) => Record<string, unknown>,
): { status: number; body: unknown; headers: Record<string, string> } {
  const q = url.searchParams;
  const perPage = Math.min(100, Math.max(1, Number(q.get('per_page') ?? 20)));
  const page = Math.max(1, Number(q.get('page') ?? 1));
  const pages = Math.max(1, Math.ceil(hits.length / perPage));
  const headers: Record<string, string> = {
    'x-total': String(hits.length),
    'x-total-pages': String(pages),
    'x-per-page': String(perPage),
    'x-page': String(page),
    'x-next-page': page < pages ? String(page + 1) : '',
  };
  if (page < pages) {
    const next = new URL(url.toString());
    next.searchParams.set('page', String(page + 1));
    headers['link'] = `<${origin}${next.pathname}${next.search}>; rel="next"`;
  }
  return { status: 200, body: hits.slice((page - 1) * perPage, page * perPage).map(toJson), headers };
}
