import type { Ticket } from '@nightshift/domain';
import { inertText, redactSecrets, singleLine, withoutControls } from '@nightshift/domain';

/** GitHub shows ~70 characters of a title in lists; 120 keeps the ticket's words without a wall of text. */
export const MAX_PR_TITLE_CHARS = 120;
/** git's own advice: a subject that fits in `git log --oneline` on a terminal. */
export const MAX_COMMIT_SUBJECT_CHARS = 72;
/** The agent's summary in a commit body or PR body. */
export const MAX_SUMMARY_CHARS = 4000;

/**
 * `KEY: title` (or `K1, K2: title (+1)` for a batch) as one line of at most `max` characters; the
 * batch suffix survives the cut. Ticket text loses its escape sequences and line breaks here.
 */
export function ticketLine(tickets: Ticket[], max: number): string {
  const lead = tickets[0]!;
  const keys = tickets.map((t) => singleLine(t.key, 40)).join(', ');
  const suffix = tickets.length > 1 ? ` (+${tickets.length - 1})` : '';
  const room = Math.max(10, max - [...keys].length - 2 - suffix.length);
  return singleLine(`${keys}: ${singleLine(inertText(redactSecrets(lead.title)), room)}${suffix}`, max);
}

/** The agent's final message for a commit or PR body: redacted, without control characters, inert (see inertText), capped. */
export function agentSummary(text: string | undefined): string {
  const clean = inertText(withoutControls(redactSecrets(text ?? ''))).trim();
  if (!clean) return '';
  return clean.length <= MAX_SUMMARY_CHARS ? clean : `${clean.slice(0, MAX_SUMMARY_CHARS - 1).trimEnd()}…`;
}

/**
 * Subject `KEY: title` (one line, capped), the agent's summary as the body, and a
 * `Nightshift-Run:` trailer naming the run (git interpret-trailers reads it).
 */
export function commitMessage(tickets: Ticket[], runId: string, summary: string): string {
  const subject = ticketLine(tickets, MAX_COMMIT_SUBJECT_CHARS);
  const body = summary ? `${summary}\n\n` : '';
  return `${subject}\n\n${body}Nightshift-Run: ${singleLine(runId, 200)}\n`;
}
