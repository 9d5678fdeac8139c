import type { Octokit } from '@octokit/rest';

type OctokitResponse = Awaited<ReturnType<Octokit['request']>>;

/** How many GET answers one client remembers (the least recently used goes first). */
const MAX_ENTRIES = 2_000;

/**
 * GitHub's conditional requests: each GET answer's ETag is kept with the answer and sent back as If-None-Match;
 * a 304 Not Modified (no body) is answered from the kept copy. An authorized 304 costs no request of the primary
 * limit, so watching hundreds of open PRs whose checks and listings have not changed costs next to nothing.
 */
export function conditionalRequests(octokit: Pick<Octokit, 'hook' | 'request'>): void {
  const kept = new Map<string, { etag: string; response: OctokitResponse }>();
  octokit.hook.wrap('request', async (request, options) => {
    // A caller's own If-None-Match is theirs to handle.
    if (options.method !== 'GET' || options.headers['if-none-match']) return request(options);
    const { url } = octokit.request.endpoint.parse(options);
    const hit = kept.get(url);
    // Set on the request's own options: before-after-hook binds every hook to them, so a copy would not be sent.
    if (hit) options.headers = { ...options.headers, 'if-none-match': hit.etag };
    try {
      const response = (await request(options)) as OctokitResponse;
      const etag = response.headers.etag;
      kept.delete(url);
      if (etag) {
        kept.set(url, { etag, response });
        if (kept.size > MAX_ENTRIES) kept.delete(kept.keys().next().value!);
      }
      return response;
    } catch (err) {
      if (!hit || (err as { status?: number }).status !== 304) throw err;
      // Most recently used: moved to the end.
      kept.delete(url);
      kept.set(url, hit);
      return hit.response;
    }
  });
}
