import { createHash } from 'node:crypto';

import type { Payload } from './stores/vector-store';

export type LearningStatus = 'candidate' | 'trusted' | 'superseded';

/** One lesson: what a session on a repo tried, how it failed (the decisive lines) and what fixed it. */
export interface Learning {
  id: string;
  repo: string;
  tickets: string[];
  /** Outcome class of the run that taught it (task_failed, timeout, ...). */
  outcome: string;
  model: string;
  /** What the session was about (ticket titles), i.e. what was tried. */
  tried: string;
  /** The decisive error lines of the failure. */
  errorLines: string;
  /** What made a later run succeed, once one did; empty until then. */
  fix: string;
  /** The failure's signature key (outcome and normalised decisive lines): a repeat of it is this lesson again. */
  signature: string;
  /** How many failed runs met it, and when the last one finished. */
  count: number;
  lastSeen: string;
  /** Runs that had this lesson's fix in their prompt and failed the same way: the evidence a newer fix may replace it. */
  failedAfter: string[];
  /** Provenance: the runs whose outcomes made or merged into it. */
  runIds: string[];
  /** Runs that had it in their prompt and then succeeded. */
  confirmedBy: string[];
  status: LearningStatus;
  supersededBy: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * The text shown in prompts: the problem, then the fix when one is known (before the decisive lines,
 * so a prompt line cut to its cap keeps it), else how often it failed with no fix known yet.
 */
export function learningText(l: Pick<Learning, 'tried' | 'errorLines' | 'fix' | 'outcome' | 'count'>): string {
  const times = l.count > 1 ? ` ${l.count} times` : '';
  const failed = `ended ${l.outcome}${times}`;
  const lines = l.errorLines ? `: ${l.errorLines}` : '';
  return oneLine(
    l.fix
      ? `${l.tried}: what fixed it: ${l.fix} (it had ${failed}${lines})`
      : `${l.tried}: ${failed}, no fix known yet${lines}`,
  );
}

/** Text used to find near-duplicates: the problem only, so two lessons of one problem with different fixes compare equal. */
export function problemText(l: Pick<Learning, 'tried' | 'errorLines'>): string {
  return oneLine(`${l.tried} ${l.errorLines}`);
}

export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** A learning's id is derived from the run that taught it, so recording the same outcome twice writes one learning. */
export function learningIdFor(runId: string): string {
  const h = createHash('sha1').update(`nightshift-learning:${runId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The short id a prompt cites (`[mem:1a2b3c4d]`). */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

export function toPayload(l: Learning): Payload {
  return { ...l };
}

export function fromPayload(id: string, p: Payload): Learning {
  const s = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : '');
  const a = (k: string) => (Array.isArray(p[k]) ? (p[k] as string[]) : []);
  return {
    id,
    repo: s('repo'),
    tickets: a('tickets'),
    outcome: s('outcome'),
    model: s('model'),
    tried: s('tried'),
    errorLines: s('errorLines'),
    fix: s('fix'),
    signature: s('signature'),
    count: typeof p.count === 'number' ? p.count : Math.max(1, a('runIds').length),
    lastSeen: s('lastSeen') || s('updatedAt'),
    failedAfter: a('failedAfter'),
    runIds: a('runIds'),
    confirmedBy: a('confirmedBy'),
    status: (s('status') || 'candidate') as LearningStatus,
    supersededBy: s('supersededBy'),
    createdAt: s('createdAt'),
    updatedAt: s('updatedAt'),
  };
}
