import { createRequesterFn, type RequestOptions } from '@gitbeaker/requester-utils';

/** A GitLab answer that was not 2xx, with the headers a rate limit is read from. */
export class GitLabHttpError extends Error {
  override readonly name = 'GitLabHttpError';

  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: string,
  ) {
    super(`GitLab answered ${status}: ${body.slice(0, 300)}`);
  }
}

/**
 * gitbeaker's requester (`onHeaders` sees every answer's headers, for the RateLimit-* budget) without its own retry: the stock one retries a 429 ten times on a fixed
 * exponential schedule (up to ~4 minutes) and ignores `Retry-After`. Here a failure is thrown at once
 * with its headers, and the tracker backs off until GitLab's `Retry-After` / `RateLimit-Reset`.
 */
export function gitlabRequesterFn(onHeaders: (headers: Record<string, string>) => void) {
  return createRequesterFn(
    (_service, options) => Promise.resolve(options),
    async (endpoint: string, options?: RequestOptions) => {
      const {
        prefixUrl = '',
        searchParams,
        method,
        body,
        headers,
        signal,
      } = (options ?? {}) as RequestOptions & {
        body?: string;
        headers?: Record<string, string>;
        signal?: AbortSignal;
      };
      const url = new URL(endpoint, prefixUrl.endsWith('/') ? prefixUrl : `${prefixUrl}/`);
      url.search = typeof searchParams === 'string' ? searchParams : '';
      const res = await fetch(url, { method, body, headers, signal });
      const answerHeaders = Object.fromEntries(res.headers.entries());
      onHeaders(answerHeaders);
      if (!res.ok) throw new GitLabHttpError(res.status, answerHeaders, await res.text());
      const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
      const parsed =
        res.status === 204 ? null : type === 'application/json' ? ((await res.json()) ?? {}) : await res.text();
      return { body: parsed as never, headers: answerHeaders, status: res.status };
    },
  );
}
