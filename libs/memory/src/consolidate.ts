import type { ConsolidationReport } from '@nightshift/contracts';

import { type Learning, learningText, oneLine } from './learning';
import type { Memory } from './memory';

export interface ConsolidateOptions {
  now: Date;
  /** Candidates (and superseded lessons) untouched for longer than this are dropped; trusted ones stay. */
  decayDays: number;
  /** Cosine of the problem texts above which two lessons of a repo are about the same problem. */
  duplicateScore?: number;
  /** Lessons per repo digest. */
  digestSize?: number;
}

export interface ConsolidationOutput {
  report: ConsolidationReport;
  /** repo → a short digest of its most useful lessons. */
  digests: Record<string, string>;
}

/**
 * The 6-hourly pass, for what write time cannot see (learn-from-outcome.ts decides repeats,
 * fixes and supersedes when outcomes arrive): decay stale lessons; merge two lessons of one repo
 * about the same problem when at most one has a fix, or both say the same fix; two different fixes
 * stay side by side — reading differently is no evidence that one is wrong (only a run that failed
 * with a fix in its prompt is, and that is recorded at write time); then write a digest per repo.
 */
export async function consolidate(memory: Memory, opts: ConsolidateOptions): Promise<ConsolidationOutput> {
  const threshold = opts.duplicateScore ?? 0.9;
  const all = await memory.all();
  const before = all.length;
  const cutoff = opts.now.getTime() - opts.decayDays * 86_400_000;
  const stale = all.filter((l) => l.status !== 'trusted' && Date.parse(l.updatedAt) < cutoff);
  await memory.store.delete(stale.map((l) => l.id));
  const gone = new Set(stale.map((l) => l.id));
  let merged = 0;
  // Consolidation never supersedes: write time does, on evidence (learn-from-outcome.ts).
  const superseded = 0;

  const live = all
    .filter((l) => !gone.has(l.id))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const byId = new Map(live.map((l) => [l.id, l]));
  for (const current of live) {
    if (gone.has(current.id) || current.status === 'superseded') continue;
    const [vector] = (await memory.store.get([current.id])).map((p) => p.vector);
    if (!vector) continue;
    const hits = await memory.store.search(vector, 20, {
      must: { repo: current.repo },
      mustNot: { status: 'superseded' },
    });
    for (const hit of hits) {
      const other = byId.get(hit.id);
      if (!other || other.id === current.id || gone.has(other.id) || hit.score < threshold) continue;
      if (!fixesAgree(current, other)) continue;
      const keep = mergeInto(current, other);
      await memory.save(keep);
      await memory.store.delete([other.id]);
      gone.add(other.id);
      merged++;
    }
  }

  const survivors = (await memory.all()).filter((l) => l.status !== 'superseded');
  const digests = digestsByRepo(survivors, opts.digestSize ?? 5);
  const after = await memory.store.count();
  return {
    report: {
      at: opts.now.toISOString(),
      before,
      after,
      merged,
      decayed: stale.length,
      superseded,
      digests: Object.keys(digests).length,
    },
    digests,
  };
}

/** One fix (or none) between them, or the same words: merging loses nothing. */
function fixesAgree(a: Learning, b: Learning): boolean {
  return !a.fix || !b.fix || oneLine(a.fix).toLowerCase() === oneLine(b.fix).toLowerCase();
}

/** The kept lesson takes the other's provenance, tickets, confirmations and fix. */
function mergeInto(keep: Learning, drop: Learning): Learning {
  keep.runIds = [...new Set([...keep.runIds, ...drop.runIds])];
  keep.tickets = [...new Set([...keep.tickets, ...drop.tickets])];
  keep.confirmedBy = [...new Set([...keep.confirmedBy, ...drop.confirmedBy])];
  if (keep.confirmedBy.length > 0) keep.status = 'trusted';
  keep.fix = keep.fix || drop.fix;
  keep.count += drop.count;
  keep.failedAfter = [...new Set([...keep.failedAfter, ...drop.failedAfter])];
  if (drop.lastSeen > keep.lastSeen) keep.lastSeen = drop.lastSeen;
  if (drop.updatedAt > keep.updatedAt) keep.updatedAt = drop.updatedAt;
  return keep;
}

function digestsByRepo(learnings: Learning[], size: number): Record<string, string> {
  const repos = new Map<string, Learning[]>();
  for (const l of learnings) repos.set(l.repo, [...(repos.get(l.repo) ?? []), l]);
  const out: Record<string, string> = {};
  for (const [repo, ls] of repos) {
    const trusted = ls.filter((l) => l.status === 'trusted').length;
    const top = [...ls]
      .sort((a, b) => b.confirmedBy.length - a.confirmedBy.length || b.updatedAt.localeCompare(a.updatedAt))
      .slice(0, size);
    out[repo] = [
      `${ls.length} lessons (${trusted} trusted) on ${repo}. Most useful:`,
      ...top.map((l) => `- [mem:${l.id.slice(0, 8)}] ${learningText(l).slice(0, 200)}`),
    ].join('\n');
  }
  return out;
}
