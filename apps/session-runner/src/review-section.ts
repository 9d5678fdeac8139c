import type { SessionFollowUp, SessionJob } from '@nightshift/contracts';
import { redactSecrets } from '@nightshift/domain';
import type { PrFeedback } from '@nightshift/forge';

import type { SessionDeps } from './session-deps';

/** One reviewer note is cut past this many characters; the PR link says where the rest is. */
const MAX_NOTE_CHARS = 4000;

/**
 * The prompt's `{{review}}` part for a follow-up session: what reviewers said and the tail of each
 * failing CI check's log since the ticket's previous session, read from the forge now (so a comment
 * written while the follow-up waited is in it too). Empty for a first session.
 */
export async function followUpReview(deps: SessionDeps, job: SessionJob): Promise<string> {
  if (!job.followUp) return '';
  let feedback: PrFeedback | undefined;
  try {
    [feedback] = await deps.forge.readFeedback(job.repo, [{ head: job.branch, since: job.followUp.since }]);
  } catch (err) {
    // The session still runs: the ticket and the PR link say where to look.
    deps.logger.warn(
      { run: job.runId, err: redactSecrets(String(err)) },
      'could not read the review feedback for the follow-up prompt',
    );
  }
  return formatReview(job.followUp, feedback, deps.config.followUp.maxLogBytes);
}

/** The section's text, redacted and bounded (each note, each log tail). */
export function formatReview(followUp: SessionFollowUp, feedback: PrFeedback | undefined, maxLogBytes: number): string {
  const why = {
    'moved-back': 'A human sent this ticket back for another pass',
    feedback: 'Reviewers or CI asked for changes',
    'base-moved': 'Its base branch moved and it no longer merges cleanly',
  }[followUp.trigger];
  const parts = [
    `Follow-up round ${followUp.round} of ${followUp.of}. ${why} on its open pull request ${followUp.prUrl}.`,
    "This worktree is that pull request's branch with its commits: change what the feedback asks for; Nightshift pushes to the same pull request after you finish.",
    '',
  ];
  for (const note of feedback?.notes ?? []) {
    const where = note.path ? ` on ${note.path}${note.line ? `:${note.line}` : ''}` : '';
    const verdict = note.state && note.state !== 'COMMENTED' ? ` ${note.state}` : '';
    const body =
      note.body.length > MAX_NOTE_CHARS
        ? `${note.body.slice(0, MAX_NOTE_CHARS)}\n[…cut; the whole comment is on ${followUp.prUrl}]`
        : note.body;
    parts.push(
      `Review ${note.kind.replace('_', ' ')}${verdict} by ${note.author}${where} (${note.at}):`,
      ...body
        .trimEnd()
        .split('\n')
        .map((l) => `> ${l}`),
      '',
    );
  }
  for (const check of feedback?.failedChecks ?? []) {
    const log = check.log.trimEnd();
    const tail =
      Buffer.byteLength(log) > maxLogBytes
        ? `[…earlier output cut${check.url ? `; full log at ${check.url}` : ''}]\n${Buffer.from(log)
            .subarray(-maxLogBytes)
            .toString('utf8')
            .replace(/^\uFFFD+/, '')}`
        : log;
    parts.push(
      `CI check "${check.name}" ended ${check.conclusion} (${check.at}); the end of its log:`,
      '```',
      tail,
      '```',
      '',
    );
  }
  const quiet = !feedback || (feedback.notes.length === 0 && feedback.failedChecks.length === 0);
  // A base-move follow-up's work is the merge the next part describes, not missing feedback.
  if (quiet && followUp.trigger !== 'base-moved')
    parts.push(
      'No new review comments or failed checks were found since the last session: re-read the pull request and the ticket, and finish what is missing.',
      '',
    );
  return redactSecrets(parts.join('\n'));
}
