/**
 * Who may steer the agent: the one home of that rule. Review feedback, PR comments and ticket
 * comments count only from an author the forge marks as trusted; the rest never starts a session
 * and never reaches a prompt (the caller records it as ignored).
 */

/** GitHub's `author_association` values that mean write access or membership. */
export const DEFAULT_TRUSTED_ASSOCIATIONS = ['OWNER', 'MEMBER', 'COLLABORATOR'] as const;

export interface TrustPolicy {
  /** `author_association` values trusted (GitHub: OWNER, MEMBER, COLLABORATOR by default). */
  associations: readonly string[];
  /** Logins always trusted, whatever their association; the only way a bot account is trusted. */
  authors: readonly string[];
}

export const DEFAULT_TRUST: TrustPolicy = { associations: DEFAULT_TRUSTED_ASSOCIATIONS, authors: [] };

export interface Author {
  login: string;
  /** As the forge reports it; absent when the forge says nothing (then only `authors` can trust it). */
  association?: string;
  bot: boolean;
}

/** True when the author may steer the agent under the policy: listed by login, or a non-bot with a trusted association. */
export function isTrustedAuthor(author: Author, policy: TrustPolicy): boolean {
  if (policy.authors.some((a) => a.toLowerCase() === author.login.toLowerCase())) return true;
  if (author.bot) return false;
  return author.association !== undefined && policy.associations.includes(author.association.toUpperCase());
}

/** Something left out because its author is not trusted: what, who, and where, never what it said. */
export interface IgnoredNote {
  kind: 'review' | 'review_comment' | 'comment';
  author: string;
  association: string;
  at: string;
}
