/** Something that makes a content-creating request wait its turn (a bucket shared by every host). */
export interface ContentPacer {
  /** Resolves when the request may be sent; the milliseconds waited. */
  take(): Promise<number>;
}

// Octokit hands its hooks the route template (`/repos/{owner}/{repo}/pulls`) or an expanded path.
const CONTENT =
  /^\/repos\/[^/]+\/[^/]+\/(?:pulls|issues|labels)(?:\/[^/]+(?:\/(?:comments|labels|requested_reviewers|reviews|assignees))?)?$/;

/**
 * True for a request GitHub counts as content creation (80 a minute, 500 an hour per token): opening a
 * PR or issue, comments, labels, review requests, reviews, assignees, and edits of a PR or issue body.
 */
export function isContentCreation(method: string, url: string): boolean {
  const path = url.replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/, '');
  return (method === 'POST' || method === 'PATCH' || method === 'PUT') && CONTENT.test(path);
}
