import type { MemoryOutcomeJob, MemoryOutcomeResult } from '@nightshift/contracts';

import { failureSignature, MAX_FIX_CHARS, signatureKey } from './derive-learning';
import { fromPayload, type Learning, learningIdFor, oneLine } from './learning';
import type { VectorStore } from './stores/vector-store';

/** What the policy reads and writes through (Memory). */
export interface LessonWriter {
  readonly store: VectorStore;
  load(ids: string[]): Promise<Learning[]>;
  save(l: Learning): Promise<void>;
}

/** Outcomes that teach something about the code; rate limits, auth and infra errors do not. */
const LESSON_OUTCOMES = new Set(['task_failed', 'timeout', 'stalled', 'no_changes']);
/** What a learning says it was about: keys and short titles (derive-learning.ts), capped again here. */
const MAX_TRIED_CHARS = 300;
/** A signature with fewer characters than this ("ended task_failed", nothing decisive) is only a repeat on its own ticket. */
const MIN_SHARED_SIGNATURE_CHARS = 24;

/**
 * The write-time policy (Mem0's ADD / UPDATE / NOOP, decided when an outcome arrives):
 * - a failure whose signature (outcome + decisive lines, numbers and ids masked) a live lesson of the
 *   repo already has is that lesson again: its count, last-seen, runs and tickets grow, nothing is
 *   added (a weak signature counts as a repeat on the same ticket only);
 * - a failure of a run that had a lesson's fix in its prompt, failing the same way, is evidence
 *   against that fix: recorded on it (`failedAfter`), and the run gets an open lesson of its own;
 * - a success writes its fix (final message summarised, diffstat, the learnings it was given) onto
 *   the open failures of its tickets, promotes the lessons it had in its prompt to trusted, and
 *   supersedes an older fix of the same signature only when a run of these tickets failed with that
 *   fix in its prompt — never for reading differently.
 */
export async function learnFromOutcome(
  memory: LessonWriter,
  o: MemoryOutcomeJob,
  at: string,
): Promise<MemoryOutcomeResult> {
  return o.outcome === 'success' ? learnFromSuccess(memory, o, at) : learnFromFailure(memory, o, at);
}

async function learnFromFailure(memory: LessonWriter, o: MemoryOutcomeJob, at: string): Promise<MemoryOutcomeResult> {
  if (!LESSON_OUTCOMES.has(o.outcome)) return { action: 'ignored', trusted: [] };
  const id = learningIdFor(o.runId);
  const seen = await repoLessons(memory, o.repo);
  if (seen.some((l) => l.id === id || l.runIds.includes(o.runId))) return { action: 'ignored', trusted: [] };
  const errorLines = failureSignature(o.reason, o.lastLines, '');
  const signature = `${o.outcome}:${signatureKey(errorLines)}`;
  const failedFixes = (await memory.load(o.recalled)).filter((l) => l.fix && l.signature === signature);
  for (const l of failedFixes)
    await memory.save({ ...l, failedAfter: unique([...l.failedAfter, o.runId]), updatedAt: at });
  const strong = signatureKey(errorLines).length >= MIN_SHARED_SIGNATURE_CHARS;
  const same = seen.find(
    (l) =>
      l.status !== 'superseded' &&
      l.signature === signature &&
      (strong || l.tickets.some((t) => o.tickets.includes(t))) &&
      !failedFixes.some((f) => f.id === l.id),
  );
  if (same) {
    await memory.save({
      ...same,
      count: same.count + 1,
      lastSeen: o.finishedAt,
      runIds: unique([...same.runIds, o.runId]),
      tickets: unique([...same.tickets, ...o.tickets]),
      updatedAt: at,
    });
    return { action: 'updated', learningId: same.id, trusted: [] };
  }
  await memory.save({
    id,
    repo: o.repo,
    tickets: o.tickets,
    outcome: o.outcome,
    model: o.model,
    tried: oneLine(o.subject).slice(0, MAX_TRIED_CHARS),
    errorLines,
    fix: '',
    signature,
    count: 1,
    lastSeen: o.finishedAt,
    failedAfter: [],
    runIds: [o.runId],
    confirmedBy: [],
    status: 'candidate',
    supersededBy: '',
    createdAt: at,
    updatedAt: at,
  });
  return { action: 'created', learningId: id, trusted: [] };
}

async function learnFromSuccess(memory: LessonWriter, o: MemoryOutcomeJob, at: string): Promise<MemoryOutcomeResult> {
  const trusted: string[] = [];
  for (const l of await memory.load(o.recalled)) {
    if (l.status === 'superseded' || l.confirmedBy.includes(o.runId)) continue;
    await memory.save({ ...l, status: 'trusted', confirmedBy: [...l.confirmedBy, o.runId], updatedAt: at });
    trusted.push(l.id);
  }
  const lessons = await repoLessons(memory, o.repo);
  const open = lessons.filter(
    (l) => !l.fix && l.status !== 'superseded' && l.tickets.some((t) => o.tickets.includes(t)),
  );
  const given = o.recalled.length ? ` (given ${o.recalled.map((id) => id.slice(0, 8)).join(', ')})` : '';
  const fix = oneLine(`${o.finalMessage || 'the run succeeded without saying how'}${given}`).slice(
    0,
    MAX_FIX_CHARS + 60,
  );
  for (const l of open) {
    await memory.save({ ...l, fix, runIds: unique([...l.runIds, o.runId]), updatedAt: at });
    // Evidence: a run of this lesson's tickets failed the same way with an older fix in its prompt.
    for (const older of lessons) {
      if (older.id === l.id || !older.fix || older.status === 'superseded' || older.signature !== l.signature) continue;
      if (!older.failedAfter.some((run) => l.runIds.includes(run))) continue;
      await memory.save({ ...older, status: 'superseded', supersededBy: l.id, updatedAt: at });
    }
  }
  return { action: open.length ? 'updated' : 'ignored', learningId: open[0]?.id, trusted };
}

async function repoLessons(memory: LessonWriter, repo: string): Promise<Learning[]> {
  return (await memory.store.all({ must: { repo } })).map((p) => fromPayload(p.id, p.payload));
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
