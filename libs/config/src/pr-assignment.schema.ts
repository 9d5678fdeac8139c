import { z } from 'zod';

/** A GitHub user login (1–39 letters, digits or single hyphens, not at either end). */
const githubLogin = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'a GitHub login (letters, digits, hyphens)');
/** A team of the repository's organization, by slug (`platform-reviewers`). */
const teamSlug = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a team slug (lowercase letters, digits, - and _)');

/** The label every Nightshift PR carries unless a repo says otherwise. */
export const DEFAULT_PR_LABELS = ['nightshift'];

/**
 * Who and what a repo's Nightshift PRs get when opened: labels, review requests and assignees. GitHub
 * refuses a reviewer who is not a collaborator (the PR stays open, the refusal is recorded on its event)
 * and drops an assignee without access; the local forge records them as given.
 */
export const prAssignmentSchema = z
  .object({
    labels: z.array(z.string().min(1)).default(DEFAULT_PR_LABELS),
    reviewers: z.array(githubLogin).max(15).default([]),
    teamReviewers: z.array(teamSlug).max(15).default([]),
    /** GitHub keeps at most 10 assignees on an issue or PR. */
    assignees: z.array(githubLogin).max(10).default([]),
  })
  .strict()
  .default({ labels: DEFAULT_PR_LABELS, reviewers: [], teamReviewers: [], assignees: [] });

export type PrAssignment = z.infer<typeof prAssignmentSchema>;
