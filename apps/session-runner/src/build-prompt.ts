import type { Ticket, TicketComment } from '@nightshift/domain';
import { allocate, estimateTokens, fitText, headBytes, MAX_TITLE_BYTES, PART_SHARES, truncationMarker, type PromptCut } from './prompt-budget';
import { renderTemplate } from './render-template';

export interface RulesFile {
  name: string;
  content: string;
}

/** The built-in template; a repo may replace it with its own file (`promptTemplate` in config). */
export const DEFAULT_TEMPLATE = `You are working in a git worktree of the repository "{{repo}}" on branch {{branch}}.
Make the change the ticket(s) below ask for, with tests where the repo has them. Do not commit, push or open a pull request: Nightshift does that after you finish.
If the fix needs a change outside this repository, say so and point to the file and line that show it.

{{tickets}}
{{review}}{{rules}}
{{learnings}}`;

export interface PromptInput {
  repo: string;
  branch: string;
  tickets: Ticket[];
  rules: RulesFile[];
  /** A follow-up's review feedback and failing CI output (already bounded and redacted); empty otherwise. */
  review?: string;
  /** Filled by the memory service: most relevant first, so the last ones are dropped first. */
  learnings?: string[];
  template?: { text: string; source: string };
  /** agent.maxPromptTokens */
  maxTokens: number;
}

export interface BuiltPrompt {
  text: string;
  estimatedTokens: number;
  cuts: PromptCut[];
}

/**
 * The agent's instructions, within `maxTokens`. Ticket text is data: it goes into the prompt (on the
 * agent's stdin, never a shell word) and nowhere else. Each ticket starts with a `Ticket: KEY` line
 * the agent (and the test double) can key on. Titles and the template are kept whole; descriptions,
 * comments (newest first), rules files and learnings share what is left (PART_SHARES), and each cut
 * says how much is missing and where the full text is.
 */
export function buildPrompt(input: PromptInput): BuiltPrompt {
  const template = input.template ?? { text: DEFAULT_TEMPLATE, source: 'built-in' };
  const cuts: PromptCut[] = [];
  const titles = input.tickets.map((t) => {
    const fitted = fitText(t.title, MAX_TITLE_BYTES, `at ${t.url}`);
    if (fitted.cutBytes) cuts.push({ part: 'title', of: t.key, keptBytes: Buffer.byteLength(t.title) - fitted.cutBytes, cutBytes: fitted.cutBytes });
    return fitted.text;
  });
  const render = (parts: { descriptions: string[]; comments: string[]; rules: string[]; learnings: string }) =>
    renderTemplate(
      template.text,
      {
        repo: input.repo,
        branch: input.branch,
        tickets: input.tickets.map((t, i) => formatTicket(t, titles[i]!, parts.descriptions[i]!, parts.comments[i]!)).join('\n'),
        ticketKeys: input.tickets.map((t) => t.key).join(', '),
        review: input.review ?? '',
        rules: parts.rules.join('\n'),
        learnings: parts.learnings,
      },
      template.source,
    );

  const learnings = input.learnings?.length ? formatLearnings(input.learnings) : '';
  const whole = {
    descriptions: input.tickets.map((t) => t.description.trim() || '(no description)'),
    comments: input.tickets.map((t) => formatComments(newestFirst(t.comments))),
    rules: input.rules.map((r) => r.content.trim()),
  };
  const empty = { descriptions: input.tickets.map(() => ''), comments: input.tickets.map(() => ''), rules: input.rules.map((r) => formatRules(r.name, '')), learnings: '' };
  const fixedBytes = Buffer.byteLength(render(empty));
  const room = input.maxTokens * 3 - fixedBytes;

  // One claimant per ticket description, per ticket's comments, per rules file, plus the learnings.
  const n = Math.max(1, input.tickets.length);
  const claims = [
    ...whole.descriptions.map((d) => ({ need: Buffer.byteLength(d), share: PART_SHARES.description / n })),
    ...whole.comments.map((c) => ({ need: Buffer.byteLength(c), share: PART_SHARES.comments / n })),
    ...whole.rules.map((r) => ({ need: Buffer.byteLength(r), share: PART_SHARES.rules / Math.max(1, input.rules.length) })),
    { need: Buffer.byteLength(learnings), share: PART_SHARES.learnings },
  ];
  const grant = allocate(room, claims);
  let at = 0;
  const next = () => grant[at++]!;

  const descriptions = input.tickets.map((t, i) => {
    const fitted = fitText(whole.descriptions[i]!, next(), `at ${t.url}`);
    if (fitted.cutBytes) cuts.push({ part: 'description', of: t.key, keptBytes: Buffer.byteLength(whole.descriptions[i]!) - fitted.cutBytes, cutBytes: fitted.cutBytes });
    return fitted.text;
  });
  const comments = input.tickets.map((t) => {
    const fitted = fitComments(newestFirst(t.comments), next(), t.url);
    if (fitted.cutBytes) cuts.push({ part: 'comments', of: t.key, keptBytes: fitted.keptBytes, cutBytes: fitted.cutBytes });
    return fitted.text;
  });
  const rules = input.rules.map((r, i) => {
    const fitted = fitText(whole.rules[i]!, next(), `in ${r.name} in the repository`);
    if (fitted.cutBytes) cuts.push({ part: 'rules', of: r.name, keptBytes: Buffer.byteLength(whole.rules[i]!) - fitted.cutBytes, cutBytes: fitted.cutBytes });
    return formatRules(r.name, fitted.text);
  });
  const kept = fitLearnings(input.learnings ?? [], next());
  if (kept.cutBytes) cuts.push({ part: 'learnings', of: input.repo, keptBytes: Buffer.byteLength(kept.text), cutBytes: kept.cutBytes });

  const rendered = render({ descriptions, comments, rules, learnings: kept.text });
  // A repo template written before the {{review}} slot existed still gets the feedback: a follow-up without it is blind.
  const text = input.review && !/\{\{\s*review\s*\}\}/.test(template.text) ? `${rendered}\n\n${input.review}` : rendered;
  return { text, estimatedTokens: estimateTokens(text), cuts };
}

function formatTicket(ticket: Ticket, title: string, description: string, comments: string): string {
  const parts = [`Ticket: ${ticket.key}`, `Title: ${title}`, '', description, ''];
  if (comments) parts.push(comments, '');
  return parts.join('\n');
}

function newestFirst(comments: TicketComment[]): TicketComment[] {
  return [...comments].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

const COMMENTS_HEADING = 'Comments (newest first):';
const formatComment = (c: TicketComment) => `- ${c.author} (${c.createdAt}): ${c.body}`;

function formatComments(comments: TicketComment[]): string {
  return comments.length ? [COMMENTS_HEADING, ...comments.map(formatComment)].join('\n') : '';
}

/** Newest comments first, whole while they fit; the first that does not fit is cut, older ones are left out. */
function fitComments(comments: TicketComment[], bytes: number, url: string): { text: string; keptBytes: number; cutBytes: number } {
  const whole = formatComments(comments);
  const size = Buffer.byteLength(whole);
  if (size <= bytes) return { text: whole, keptBytes: size, cutBytes: 0 };
  const markerRoom = Buffer.byteLength(truncationMarker(size, `at ${url}`)) + 2;
  let left = bytes - markerRoom - Buffer.byteLength(COMMENTS_HEADING) - 1;
  const lines: string[] = [];
  for (const comment of comments) {
    const line = formatComment(comment);
    const lineBytes = Buffer.byteLength(line) + 1;
    if (lineBytes <= left) {
      lines.push(line);
      left -= lineBytes;
      continue;
    }
    if (left > 200) lines.push(headBytes(line, left - 1));
    break;
  }
  const keptText = lines.length ? [COMMENTS_HEADING, ...lines].join('\n') : COMMENTS_HEADING;
  const keptBytes = Buffer.byteLength(keptText);
  const cutBytes = Math.max(1, size - keptBytes);
  return { text: `${keptText}\n${truncationMarker(cutBytes, `at ${url}`)}`, keptBytes, cutBytes };
}

function formatRules(name: string, body: string): string {
  return `Repository rules from ${name}:\n${body}\n`;
}

function formatLearnings(items: string[]): string {
  return `Learnings from earlier sessions on this repo:\n${items.map((l) => `- ${l}`).join('\n')}\n`;
}

/** Learnings are whole items, most relevant first: the ones that do not fit are dropped, and the drop is said. */
function fitLearnings(items: string[], bytes: number): { text: string; cutBytes: number } {
  const whole = items.length ? formatLearnings(items) : '';
  if (Buffer.byteLength(whole) <= bytes) return { text: whole, cutBytes: 0 };
  for (let keep = items.length - 1; keep >= 0; keep--) {
    const dropped = items.length - keep;
    const note = `- …${dropped} more learning(s) left out to fit the prompt budget\n`;
    const text = keep > 0 ? `${formatLearnings(items.slice(0, keep))}${note}` : '';
    if (Buffer.byteLength(text) <= bytes) return { text, cutBytes: Buffer.byteLength(whole) - Buffer.byteLength(text) };
  }
  return { text: '', cutBytes: Buffer.byteLength(whole) };
}
