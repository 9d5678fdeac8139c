import type { Ticket } from '@nightshift/domain';

export interface RulesFile {
  name: string;
  content: string;
}

const MAX_RULES_CHARS = 20_000;

/**
 * The agent's instructions. Ticket text is data: it goes into the prompt (an argv element, never a
 * shell word) and nowhere else. Each ticket starts with a `Ticket: KEY` line the agent (and the test
 * double) can key on.
 */
export function buildPrompt(input: { repo: string; branch: string; tickets: Ticket[]; rules: RulesFile[] }): string {
  const parts: string[] = [
    `You are working in a git worktree of the repository "${input.repo}" on branch ${input.branch}.`,
    'Make the change the ticket(s) below ask for, with tests where the repo has them. Do not commit, push or open a pull request: Nightshift does that after you finish.',
    'If the fix needs a change outside this repository, say so and point to the file and line that show it.',
    '',
  ];
  for (const ticket of input.tickets) {
    parts.push(`Ticket: ${ticket.key}`, `Title: ${ticket.title}`, '', ticket.description.trim() || '(no description)', '');
    if (ticket.comments.length > 0) {
      parts.push('Comments:');
      for (const c of ticket.comments) parts.push(`- ${c.author} (${c.createdAt}): ${c.body}`);
      parts.push('');
    }
  }
  for (const rules of input.rules) {
    const body = rules.content.length > MAX_RULES_CHARS ? `${rules.content.slice(0, MAX_RULES_CHARS)}\n[truncated]` : rules.content;
    parts.push(`Repository rules from ${rules.name}:`, body.trim(), '');
  }
  return parts.join('\n');
}
