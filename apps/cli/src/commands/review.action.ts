import { readFile } from 'node:fs/promises';

import type { NightshiftConfig } from '@nightshift/config';
import { type CheckRun, LocalForge } from '@nightshift/forge';

export interface ReviewOptions {
  body: string;
  author: string;
  path?: string;
  line?: string;
  changesRequested?: boolean;
}

export interface CheckOptions {
  name: string;
  conclusion: string;
  logFile?: string;
}

const CONCLUSIONS = ['success', 'failure', 'timed_out', 'cancelled'] as const;

export async function addReviewComment(
  config: NightshiftConfig,
  repo: string,
  number: string,
  opts: ReviewOptions,
): Promise<void> {
  const line = opts.line === undefined ? undefined : Number(opts.line);
  if (line !== undefined && (!Number.isInteger(line) || line < 1))
    throw new Error(`--line must be a positive line number, got "${opts.line}"`);
  const kind = opts.path ? 'review_comment' : opts.changesRequested ? 'review' : 'comment';
  await localForge(config).addReview(repo, prNumber(number), {
    kind,
    author: opts.author,
    body: opts.body,
    ...(opts.path ? { path: opts.path } : {}),
    ...(line ? { line } : {}),
    ...(opts.changesRequested ? { state: 'CHANGES_REQUESTED' } : {}),
  });
  process.stdout.write(`${repo}#${number}: ${kind.replace('_', ' ')} by ${opts.author} added\n`);
}

export async function addCheck(
  config: NightshiftConfig,
  repo: string,
  number: string,
  opts: CheckOptions,
): Promise<void> {
  const conclusion = CONCLUSIONS.find((c) => c === opts.conclusion);
  if (!conclusion) throw new Error(`--conclusion must be one of ${CONCLUSIONS.join(', ')}, got "${opts.conclusion}"`);
  const log = opts.logFile ? await readFile(opts.logFile, 'utf8') : '';
  const run: Omit<CheckRun, 'at'> = { name: opts.name, conclusion, log };
  await localForge(config).addCheckRun(repo, prNumber(number), run);
  process.stdout.write(`${repo}#${number}: check ${opts.name} ${conclusion}\n`);
}

function prNumber(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`a PR number is a positive integer, got "${text}" (\`nightshift prs\` lists them)`);
  return n;
}

/** Review comments on GitHub are written on GitHub: these commands edit the local forge only. */
function localForge(config: NightshiftConfig): LocalForge {
  if (config.forge.kind !== 'local')
    throw new Error(
      `review commands work on the local forge, but ${config.file} sets forge.kind: ${config.forge.kind}; comment on the pull request on GitHub itself`,
    );
  return new LocalForge({ dir: config.paths.forge });
}
