/**
 * A repository's mirror (shared by every worktree of the repo) no longer holds only what Nightshift wrote: a
 * config key, hook or pointer that could make git run something. Nothing is committed or pushed; a human looks.
 */
export class MirrorTamperedError extends Error {
  override readonly name = 'MirrorTamperedError';
  constructor(
    readonly mirror: string,
    readonly findings: string[],
  ) {
    super(`the git mirror ${mirror} was changed outside Nightshift: ${findings.join('; ')}`);
  }
}
