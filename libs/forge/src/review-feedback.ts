import type { IgnoredNote } from '@nightshift/domain';

/** Something a reviewer said on a PR: a review (approve / changes requested / comment), a line comment, or a comment on the PR itself. */
export interface ReviewNote {
  kind: 'review' | 'review_comment' | 'comment';
  author: string;
  body: string;
  /** ISO time it was written. */
  at: string;
  /** A line comment's file (and line). */
  path?: string;
  line?: number;
  /** A review's verdict as the forge names it (e.g. CHANGES_REQUESTED, COMMENTED). */
  state?: string;
}

/** A CI check on the PR's head that failed, with the tail of what it printed as far as the forge keeps it. */
export interface FailedCheck {
  name: string;
  conclusion: string;
  /** ISO time it completed. */
  at: string;
  log: string;
  url?: string;
}

/** Review feedback and failed checks on one open PR newer than the query's `since`. */
export interface PrFeedback {
  repo: string;
  number: number;
  url: string;
  head: string;
  /** From trusted authors only (trusted-author.ts). */
  notes: ReviewNote[];
  failedChecks: FailedCheck[];
  /** Notes left out because their authors are not trusted: recorded, never acted on, never in a prompt. */
  ignored?: IgnoredNote[];
}

/** An open PR (by head branch) to look at, and since when (the start of its ticket's last session). */
export interface FeedbackQuery {
  head: string;
  since: string;
}

/** Notes Nightshift itself writes on a PR carry this marker, so they are never read back as feedback. */
export const NIGHTSHIFT_NOTE_MARKER = '<!-- nightshift:note -->';

/** True when the note came from a human (or another bot), not from Nightshift. */
export function isForeignNote(body: string): boolean {
  return !body.includes(NIGHTSHIFT_NOTE_MARKER);
}

/** The newest instant among the feedback's notes and failed checks (ISO), or undefined when there is none. */
export function newestFeedbackAt(feedback: PrFeedback): string | undefined {
  const times = [...feedback.notes.map((n) => n.at), ...feedback.failedChecks.map((c) => c.at)].sort();
  return times.at(-1);
}
