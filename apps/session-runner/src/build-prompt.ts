import type { Ticket } from '@nightshift/domain';
import { renderTemplate } from './render-template';

export interface RulesFile {
  name: string;
  content: string;
}

const MAX_RULES_CHARS = 20_000;

/** The built-in template; a repo may replace it with its own file (`promptTemplate` in config). */
export const DEFAULT_TEMPLATE = `You are working in a git worktree of the repository "{{repo}}" on branch {{branch}}.
Make the change the ticket(s) below ask for, with tests where the repo has them. Do not commit, push or open a pull request: Nightshift does that after you finish.
If the fix needs a change outside this repository, say so and point to the file and line that show it.

{{tickets}}
{{rules}}
{{learnings}}`;

/**
 * The agent's instructions. Ticket text is data: it goes into the prompt (an argv element, never a
 * shell word) and nowhere else. Each ticket starts with a `Ticket: KEY` line the agent (and the test
 * double) can key on.
 */
export function buildPrompt(input: { repo: string; branch: string; tickets: Ticket[]; rules: RulesFile[]; learnings?: string[]; template?: { text: string; source: string } }): string {
  const values = {
    repo: input.repo,
    branch: input.branch,
    tickets: input.tickets.map(formatTicket).join('\n'),
    ticketKeys: input.tickets.map((t) => t.key).join(', '),
    rules: input.rules.map(formatRules).join('\n'),
    learnings: input.learnings?.length ? `Learnings from earlier sessions on this repo:\n${input.learnings.map((l) => `- ${l}`).join('\n')}\n` : '',
  };
  const template = input.template ?? { text: DEFAULT_TEMPLATE, source: 'built-in' };
  return renderTemplate(template.text, values, template.source);
}

function formatTicket(ticket: Ticket): string {
  const parts = [`Ticket: ${ticket.key}`, `Title: ${ticket.title}`, '', ticket.description.trim() || '(no description)', ''];
  if (ticket.comments.length > 0) {
    parts.push('Comments:', ...ticket.comments.map((c) => `- ${c.author} (${c.createdAt}): ${c.body}`), '');
  }
  return parts.join('\n');
}

function formatRules(rules: RulesFile): string {
  const body = rules.content.length > MAX_RULES_CHARS ? `${rules.content.slice(0, MAX_RULES_CHARS)}\n[truncated]` : rules.content;
  return `Repository rules from ${rules.name}:\n${body.trim()}\n`;
}
