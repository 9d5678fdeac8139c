import type { Ticket } from '@nightshift/domain';

import { type DataFence, neutralize, newFence } from './data-fence';
import { allocate, estimateTokens, fitText, MAX_TITLE_BYTES, PART_SHARES, type PromptCut } from './prompt-budget';
import { fitComments, fitLearnings, formatComments, formatRules, newestFirst } from './prompt-parts';
import { renderTemplate } from './render-template';

export interface RulesFile {
  name: string;
  content: string;
}

/** A repair round's addition: Nightshift's own instructions, and the failing checks' output (data). */
export interface RepairSection {
  instructions: string;
  output: string;
}

/** The built-in template; a repo may replace it with its own file (`promptTemplate` in config). */
export const DEFAULT_TEMPLATE = `You are working in a git worktree of the repository "{{repo}}" on branch {{branch}}.
Make the change the ticket(s) below ask for, with tests where the repo has them. Do not commit, push or open a pull request: Nightshift does that after you finish.
If the fix needs a change outside this repository, say so and point to the file and line that show it.

{{tickets}}
{{review}}{{rules}}
{{learnings}}`;

const REVIEW_SLOT = /\{\{\s*review\s*\}\}/;

export interface PromptInput {
  repo: string;
  branch: string;
  tickets: Ticket[];
  rules: RulesFile[];
  /** A follow-up's review feedback and failing CI output (already redacted); empty otherwise. */
  review?: string;
  /** A repair round's failing checks: after everything else, within the same budget. */
  repair?: RepairSection;
  /** Filled by the memory service: most relevant first, so the last ones are dropped first. */
  learnings?: string[];
  template?: { text: string; source: string };
  /** agent.maxPromptTokens: the whole text sent, every part included, stays within it. */
  maxTokens: number;
  /** Tests pass one with a fixed nonce; a session gets a random one. */
  fence?: DataFence;
}

export interface BuiltPrompt {
  text: string;
  estimatedTokens: number;
  cuts: PromptCut[];
}

interface Parts {
  descriptions: string[];
  comments: string[];
  rules: string[];
  learnings: string;
  review: string;
  repair: string;
}

/**
 * The agent's instructions, within `maxTokens`. Text anyone can write (titles, descriptions,
 * comments, review feedback, check output, learnings) goes in fenced data blocks under a fixed frame
 * (data-fence.ts), on the agent's stdin, never a shell word. Each ticket starts with a `Ticket: KEY`
 * line the agent (and the test double) can key on. The template, frame and fences are fixed; titles
 * are kept up to 1 KB; descriptions, comments (newest first), rules files, learnings, the review and
 * the repair output share what is left (PART_SHARES), and each cut says how much is missing and where
 * the full text is. A template without `{{review}}` gets the review after it, inside the same budget.
 */
export function buildPrompt(input: PromptInput): BuiltPrompt {
  const template = input.template ?? { text: DEFAULT_TEMPLATE, source: 'built-in' };
  const fence = input.fence ?? newFence();
  const cuts: PromptCut[] = [];
  const cut = (part: PromptCut['part'], of: string, whole: string, cutBytes: number) => {
    if (cutBytes) cuts.push({ part, of, keptBytes: Buffer.byteLength(whole) - cutBytes, cutBytes });
  };
  const titles = input.tickets.map((t) => {
    const fitted = fitText(t.title, MAX_TITLE_BYTES, `at ${t.url}`);
    cut('title', t.key, t.title, fitted.cutBytes);
    return fitted.text;
  });
  const review = input.review?.trim() ? input.review : '';
  const reviewInSlot = REVIEW_SLOT.test(template.text);
  const reviewBlock = (text: string) =>
    review ? `${fence.wrap('review feedback and CI output on the pull request', text)}\n` : '';
  const formatLearnings = (items: string[]) =>
    `${fence.wrap('notes from earlier runs on this repo', items.map((l) => `- ${l}`).join('\n'))}\n`;

  const render = (parts: Parts) => {
    const body = renderTemplate(
      template.text,
      {
        repo: input.repo,
        branch: input.branch,
        tickets: input.tickets
          .map((t, i) => formatTicket(fence, t, titles[i]!, parts.descriptions[i]!, parts.comments[i]!))
          .join('\n'),
        ticketKeys: input.tickets.map((t) => t.key).join(', '),
        review: reviewInSlot ? reviewBlock(parts.review) : '',
        rules: parts.rules.join('\n'),
        learnings: parts.learnings,
      },
      template.source,
    );
    const after = [
      !reviewInSlot && review ? reviewBlock(parts.review).trimEnd() : '',
      input.repair
        ? `${input.repair.instructions.trimEnd()}\n${fence.wrap('output of the failing checks', parts.repair)}`
        : '',
    ].filter(Boolean);
    return [fence.frame, body, ...after].join('\n\n');
  };

  const whole = {
    descriptions: input.tickets.map((t) => t.description.trim() || '(no description)'),
    comments: input.tickets.map((t) => formatComments(newestFirst(t.comments))),
    rules: input.rules.map((r) => r.content.trim()),
    learnings: input.learnings?.length ? formatLearnings(input.learnings) : '',
    repair: input.repair?.output.trimEnd() ?? '',
  };
  const empty: Parts = {
    descriptions: input.tickets.map(() => ''),
    comments: input.tickets.map(() => ''),
    rules: input.rules.map((r) => formatRules(r.name, '')),
    learnings: '',
    review: '',
    repair: '',
  };
  const room = input.maxTokens * 3 - Buffer.byteLength(render(empty));

  // One claimant per ticket description, per ticket's comments, per rules file, the learnings, the review and the repair output.
  const n = Math.max(1, input.tickets.length);
  const claim = (text: string, share: number) => ({ need: Buffer.byteLength(text), share });
  const grant = allocate(room, [
    ...whole.descriptions.map((d) => claim(d, PART_SHARES.description / n)),
    ...whole.comments.map((c) => claim(c, PART_SHARES.comments / n)),
    ...whole.rules.map((r) => claim(r, PART_SHARES.rules / Math.max(1, input.rules.length))),
    claim(whole.learnings, PART_SHARES.learnings),
    claim(review, PART_SHARES.review),
    claim(whole.repair, PART_SHARES.repair),
  ]);
  let at = 0;
  const next = () => grant[at++]!;

  const descriptions = input.tickets.map((t, i) => {
    const fitted = fitText(whole.descriptions[i]!, next(), `at ${t.url}`);
    cut('description', t.key, whole.descriptions[i]!, fitted.cutBytes);
    return fitted.text;
  });
  const comments = input.tickets.map((t) => {
    const fitted = fitComments(newestFirst(t.comments), next(), t.url);
    if (fitted.cutBytes)
      cuts.push({ part: 'comments', of: t.key, keptBytes: fitted.keptBytes, cutBytes: fitted.cutBytes });
    return fitted.text;
  });
  const rules = input.rules.map((r, i) => {
    const fitted = fitText(whole.rules[i]!, next(), `in ${r.name} in the repository`);
    cut('rules', r.name, whole.rules[i]!, fitted.cutBytes);
    return formatRules(r.name, fitted.text);
  });
  const learnings = fitLearnings(input.learnings ?? [], next(), formatLearnings);
  if (learnings.cutBytes)
    cuts.push({
      part: 'learnings',
      of: input.repo,
      keptBytes: Buffer.byteLength(learnings.text),
      cutBytes: learnings.cutBytes,
    });
  const fittedReview = fitText(review, next(), 'on the pull request');
  cut('review', input.repo, review, fittedReview.cutBytes);
  const fittedRepair = fitText(whole.repair, next(), 'in the check logs of this run');
  cut('repair', input.repo, whole.repair, fittedRepair.cutBytes);

  const text = render({
    descriptions,
    comments,
    rules,
    learnings: learnings.text,
    review: fittedReview.text,
    repair: fittedRepair.text,
  });
  return { text, estimatedTokens: estimateTokens(text), cuts };
}

function formatTicket(fence: DataFence, ticket: Ticket, title: string, description: string, comments: string): string {
  const parts = [
    `Ticket: ${neutralize(ticket.key).replace(/\s+/g, '')}`,
    fence.wrap(`ticket ${ticket.key} title`, title),
    fence.wrap(`ticket ${ticket.key} description`, description),
  ];
  if (ticket.comments.length) parts.push(fence.wrap(`ticket ${ticket.key} comments, newest first`, comments));
  return `${parts.join('\n')}\n`;
}
