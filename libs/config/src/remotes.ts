/* Plain helpers about repos and authors; no zod here, so light callers (the CLI) can use them without loading the schema. */

export const DEFAULT_COMMIT_AUTHOR = { name: 'Nightshift', email: 'nightshift-bot@users.noreply.localhost' } as const;

/** `owner/name` of a github.com remote (https or scp-like ssh), or undefined. */
export function githubRepoOfRemote(remote: string): string | undefined {
  const m =
    /^(?:https:\/\/(?:[^@/]+@)?github\.com\/|git@github\.com:|ssh:\/\/git@github\.com\/)([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(
      remote,
    );
  return m?.[1];
}

/** A remote written as a URL (scheme:// or scp-like user@host:path); anything else is a local path. */
export function isLocalRemote(remote: string): boolean {
  return !(/^[a-z][a-z0-9+.-]*:\/\//i.test(remote) || /^[^/]+@[^/]+:/.test(remote));
}
