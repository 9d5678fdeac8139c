import { readFile } from 'node:fs/promises';

import type { Ticket, TicketComment } from '@nightshift/domain';

import { BoardCorruptError } from './errors';
import type { FileTextCache } from './file-text-cache';

/** Keys are untrusted input (CLI args, ticket text, webhooks): only this shape may become a path. */
const SAFE_KEY = /^[A-Za-z0-9_-]+$/;
const MAX_KEY_LENGTH = 128;

/** True when `key` can name a ticket file without escaping the tickets directory. */
export function isSafeKey(key: unknown): key is string {
  return typeof key === 'string' && key.length <= MAX_KEY_LENGTH && SAFE_KEY.test(key);
}

/** `NS-12` -> { prefix: 'NS', n: 12 }; keys without a trailing number sort after numbered ones. */
export function splitKey(key: string): { prefix: string; n: number } {
  const match = /^(.*)-(\d+)$/.exec(key);
  return match ? { prefix: match[1], n: Number(match[2]) } : { prefix: key, n: Number.MAX_SAFE_INTEGER };
}

/** Board order: by prefix, then by key number (NS-2 before NS-10). */
export function compareKeys(a: string, b: string): number {
  const ka = splitKey(a);
  const kb = splitKey(b);
  if (ka.prefix !== kb.prefix) return ka.prefix < kb.prefix ? -1 : 1;
  return ka.n - kb.n;
}

/** Reads (through `cache` when given) and parses a JSON file; undefined when it does not exist; BoardCorruptError for anything else. */
export async function readJson(file: string, remedy?: string, cache?: FileTextCache): Promise<unknown> {
  let text: string | undefined;
  try {
    text = cache ? await cache.read(file) : await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BoardCorruptError(file, `cannot read it: ${(err as Error).message}`, remedy);
  }
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new BoardCorruptError(file, `invalid JSON: ${(err as Error).message}`, remedy);
  }
}

/** Checks that parsed JSON really is a ticket, so a hand-edited file fails loudly here, not deep in the router. */
export function toTicket(file: string, value: unknown, expectedKey: string): Ticket {
  const fail = (what: string): never => {
    throw new BoardCorruptError(file, what);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not a JSON object');
  const t = value as Record<string, unknown>;
  for (const field of ['key', 'title', 'description', 'state', 'createdAt', 'updatedAt', 'url'] as const) {
    if (typeof t[field] !== 'string') fail(`field "${field}" must be a string`);
  }
  if (t.key !== expectedKey) fail(`field "key" is ${JSON.stringify(t.key)} but the file name says ${expectedKey}`);
  if (typeof t.priority !== 'number' || !Number.isInteger(t.priority)) fail('field "priority" must be an integer');
  if (!Array.isArray(t.labels) || !t.labels.every((l) => typeof l === 'string'))
    fail('field "labels" must be an array of strings');
  if (t.blockers !== undefined && (!Array.isArray(t.blockers) || !t.blockers.every((k) => typeof k === 'string')))
    fail('field "blockers" must be an array of ticket keys');
  if (!Array.isArray(t.comments) || !t.comments.every(isComment)) {
    fail('field "comments" must be an array of { author, body, createdAt } strings');
  }
  return t as unknown as Ticket;
}

function isComment(c: unknown): c is TicketComment {
  if (typeof c !== 'object' || c === null) return false;
  const r = c as Record<string, unknown>;
  return typeof r.author === 'string' && typeof r.body === 'string' && typeof r.createdAt === 'string';
}

/** Labels are matched case-insensitively by the router, so they are stored lower-cased and once each. */
export function normalizeLabels(labels: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const label of labels ?? []) {
    const l = label.trim().toLowerCase();
    if (l.length > 0 && !out.includes(l)) out.push(l);
  }
  return out;
}

/** Linear's convention: 1 is most urgent, 0 means "no priority" and sorts after every real priority. */
export function compareDispatch(a: Ticket, b: Ticket): number {
  const pa = a.priority > 0 ? a.priority : Number.POSITIVE_INFINITY;
  const pb = b.priority > 0 ? b.priority : Number.POSITIVE_INFINITY;
  if (pa !== pb) return pa < pb ? -1 : 1;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return compareKeys(a.key, b.key);
}
