import { readFile } from 'node:fs/promises';

import { ForgeCorruptError } from './errors';
import type { PullRequest } from './forge';

const STATES = new Set(['open', 'closed', 'merged']);

/** Reads the PR records; a missing file is an empty forge, anything unparsable is ForgeCorruptError. */
export async function readPullRequests(file: string): Promise<PullRequest[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ForgeCorruptError(file, `cannot read it: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ForgeCorruptError(file, `invalid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) throw new ForgeCorruptError(file, 'expected a JSON array of pull requests');
  value.forEach((entry, i) => checkPullRequest(file, entry, i));
  return value as PullRequest[];
}

// A hand-edited record that lost its head or state would silently allow a duplicate PR: fail instead.
function checkPullRequest(file: string, entry: unknown, index: number): void {
  const fail = (what: string): never => {
    throw new ForgeCorruptError(file, `entry ${index}: ${what}`);
  };
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail('not a JSON object');
  const pr = entry as Record<string, unknown>;
  if (typeof pr.number !== 'number' || !Number.isSafeInteger(pr.number) || pr.number < 1)
    fail('"number" must be a positive integer');
  for (const field of ['url', 'repo', 'head', 'base', 'title', 'body', 'createdAt'] as const) {
    if (typeof pr[field] !== 'string') fail(`"${field}" must be a string`);
  }
  if (typeof pr.state !== 'string' || !STATES.has(pr.state)) fail('"state" must be open, closed or merged');
  if (!Array.isArray(pr.tickets) || !pr.tickets.every((t) => typeof t === 'string'))
    fail('"tickets" must be an array of strings');
  if (pr.draft !== undefined && typeof pr.draft !== 'boolean') fail('"draft" must be true or false when present');
  for (const field of ['labels', 'reviewers', 'teamReviewers', 'assignees'] as const) {
    const list = pr[field];
    if (list !== undefined && (!Array.isArray(list) || !list.every((l) => typeof l === 'string')))
      fail(`"${field}" must be an array of strings when present`);
  }
  for (const field of ['reviews', 'checkRuns'] as const) {
    const list = pr[field];
    if (list === undefined) continue;
    const ok =
      Array.isArray(list) &&
      list.every(
        (x) =>
          typeof x === 'object' &&
          x !== null &&
          typeof (x as Record<string, unknown>)['at'] === 'string' &&
          (field === 'reviews'
            ? typeof (x as Record<string, unknown>)['body'] === 'string'
            : typeof (x as Record<string, unknown>)['name'] === 'string'),
      );
    if (!ok)
      fail(
        `"${field}" must be an array of objects with ${field === 'reviews' ? '"body"' : '"name"'} and "at" when present`,
      );
  }
}
