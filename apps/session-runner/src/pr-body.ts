import type { TrackerConfig } from '@nightshift/config';
import type { Ticket } from '@nightshift/domain';
import { inertText, redactSecrets, singleLine, withoutControls } from '@nightshift/domain';

import { renderTemplate } from './render-template';

/** The built-in PR body; a repo may replace it with its own file (`prTemplate` in config), rendered as strictly as the prompt. */
export const DEFAULT_PR_TEMPLATE = `{{closingLinks}}

## What the agent did

{{summary}}

## Changes

\`\`\`
{{diffstat}}
\`\`\`

## Checks

{{checks}}

## Denied commands

{{deniedCommands}}

## Run

| model | attempt | tokens | cost | runs |
|---|---|---|---|---|
| {{model}} | {{attempt}} | {{tokens}} | {{cost}} | {{runIds}} |

Opened by Nightshift on branch \`{{branch}}\`.`;

const MAX_DIFFSTAT_LINES = 60;

export interface PrBodyInput {
  repo: string;
  tickets: Ticket[];
  tracker: TrackerConfig['kind'];
  branch: string;
  /** The agent's final result text, already redacted and capped (agentSummary). */
  summary: string;
  diffstat: string;
  /** Checks run on the change and their results, one line each (filled by the quality loop; empty until it exists). */
  checks: string[];
  /** Commands the agent was refused during the run (the run's permission denials, redacted). */
  deniedCommands: string[];
  model: string;
  attempt: number;
  tokens: number;
  costUsd: number | undefined;
  /** Every run that pushed to this branch, oldest first. */
  runIds: string[];
  template?: { text: string; source: string };
}

/**
 * The PR body a reviewer reads: the closing link in the tracker's own syntax, what the agent says it
 * did, what changed, what was checked and refused, and what it cost.
 */
export function renderPrBody(input: PrBodyInput): string {
  const template = input.template ?? { text: DEFAULT_PR_TEMPLATE, source: 'built-in' };
  const lines = (items: string[], none: string) =>
    items.length ? items.map((i) => `- ${singleLine(inertText(redactSecrets(i)), 300)}`).join('\n') : none;
  const diffLines = input.diffstat.split('\n');
  const diffstat =
    diffLines.length > MAX_DIFFSTAT_LINES
      ? [
          ...diffLines.slice(0, MAX_DIFFSTAT_LINES - 1),
          `… ${diffLines.length - MAX_DIFFSTAT_LINES + 1} more lines`,
          diffLines.at(-1)!,
        ].join('\n')
      : input.diffstat;
  const values = {
    closingLinks: input.tickets.map((t) => closingLink(t, input.tracker)).join('\n'),
    tickets: input.tickets
      .map((t) => `- ${singleLine(t.key, 40)}: ${singleLine(inertText(redactSecrets(t.title)), 200)} (${t.url})`)
      .join('\n'),
    summary: input.summary || '_The agent gave no summary._',
    diffstat: withoutControls(diffstat).replace(/```/g, '`\u200b``') || '(no changes)',
    checks: lines(input.checks, '_No checks recorded for this run._'),
    deniedCommands: deniedCommandsText(input.deniedCommands, input.repo),
    model: singleLine(input.model, 80),
    attempt: String(input.attempt),
    tokens: input.tokens.toLocaleString('en-US'),
    cost: input.costUsd === undefined ? 'unknown' : `$${input.costUsd.toFixed(4)}`,
    runIds: input.runIds.map((r) => singleLine(r, 100)).join(', '),
    branch: input.branch,
  };
  return renderTemplate(template.text, values, template.source);
}

/** What the agent asked to run and was refused: a reviewer should know which checks it could not run itself, and how to allow them. */
function deniedCommandsText(denied: string[], repo: string): string {
  if (denied.length === 0) return '_None._';
  const unique = [...new Set(denied.map((d) => singleLine(inertText(redactSecrets(d)), 300)))];
  const bash = /^Bash\((.+)\)$/.exec(
    unique.find((d) => d.startsWith('Bash(') && !d.startsWith('Bash(git push')) ?? '',
  )?.[1];
  const example = bash ? `Bash(${bash}:*)` : unique[0];
  return [
    `The agent was not allowed to run ${unique.length === 1 ? 'this' : `these ${unique.length}`} (no permission rule covered ${unique.length === 1 ? 'it' : 'them'}), so it did not see their results:`,
    ...unique.map((d) => `- \`${d.replace(/`/g, "'")}\``),
    `To allow it next time, add a rule such as \`${example}\` to the allowedTools of repo ${repo} in nightshift.yaml.`,
  ].join('\n');
}

/**
 * The tracker's closing syntax: GitHub closes the issue on merge with `Fixes owner/repo#N`; Linear
 * links by the identifier in the branch name and title and closes on `Fixes KEY` in the body.
 */
export function closingLink(ticket: Ticket, tracker: TrackerConfig['kind']): string {
  const key = singleLine(ticket.key, 40);
  if (tracker === 'github') {
    const m = /\/([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)\/issues\/(\d+)\/?$/.exec(ticket.url);
    if (m) return `Fixes ${m[1]}#${m[2]}`;
  }
  if (tracker === 'linear') return `Fixes ${key} (${ticket.url})`;
  return `Ticket ${key}: ${ticket.url}`;
}
