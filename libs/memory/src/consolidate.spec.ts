import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { consolidate, EmbeddedVectorStore, type Learning, learningIdFor, LexicalHashEmbedder, Memory } from './index';

const NOW = new Date('2026-12-01T12:00:00Z');
const DAY = 86_400_000;
const VOCAB = Array.from({ length: 3000 }, (_, i) => `w${(i * 7919) % 100003}x${i.toString(36)}`);

/** A deterministic PRNG, so the planted set is the same on every run. */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function lesson(i: number, words: string[], ageDays: number, extra: Partial<Learning> = {}): Learning {
  const at = new Date(NOW.getTime() - ageDays * DAY).toISOString();
  return {
    id: learningIdFor(`run-${i}`),
    repo: `repo-${i % 5}`,
    tickets: [`T-${i}`],
    outcome: 'task_failed',
    model: 'sonnet',
    tried: words.slice(0, 12).join(' '),
    errorLines: words.slice(12).join(' '),
    fix: '',
    signature: '',
    count: 1,
    lastSeen: at,
    failedAfter: [],
    runIds: [`run-${i}`],
    confirmedBy: [],
    status: 'candidate',
    supersededBy: '',
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
}

describe('consolidation', () => {
  let dir: string;
  let memory: Memory;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ns-consolidate-'));
    memory = new Memory(new EmbeddedVectorStore(dir, 'learnings'), new LexicalHashEmbedder(), () => NOW);
    await memory.open();
  });
  afterEach(async () => {
    await memory.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shrinks 1,000 learnings with 100 planted near-duplicates by exactly 100, losing nothing newer than the decay window', async () => {
    const rand = rng(42);
    const learnings: Learning[] = [];
    for (let i = 0; i < 900; i++) {
      const words = Array.from({ length: 30 }, () => VOCAB[Math.floor(rand() * VOCAB.length)]!);
      learnings.push(lesson(i, words, Math.floor(rand() * 20)));
    }
    // Each planted one repeats an original with one word changed, on the same repo, seen later.
    for (let j = 0; j < 100; j++) {
      const original = learnings[j * 9]!;
      const words = `${original.tried} ${original.errorLines}`.split(' ');
      words[29] = `changed${j}`;
      learnings.push(lesson(900 + j * 5, words, 1, { repo: original.repo }));
    }
    await memory.saveMany(learnings);
    expect(await memory.store.count()).toBe(1000);

    const { report, digests } = await consolidate(memory, { now: NOW, decayDays: 30 });

    expect(report).toMatchObject({ before: 1000, after: 900, merged: 100, decayed: 0, superseded: 0 });
    const survivors = await memory.all();
    const provenance = new Set(survivors.flatMap((l) => l.runIds));
    for (const l of learnings) expect(provenance.has(l.runIds[0]!)).toBe(true);
    expect(Object.keys(digests).sort()).toEqual(['repo-0', 'repo-1', 'repo-2', 'repo-3', 'repo-4']);
    expect(digests['repo-0']).toMatch(/lessons \(0 trusted\) on repo-0/);
  });

  it('decays untouched candidates past the window, keeps trusted ones and everything newer', async () => {
    const fresh = lesson(1, 'alpha beta gamma fresh lesson about caching'.split(' '), 29);
    const old = lesson(2, 'delta epsilon old lesson about logging'.split(' '), 31);
    const oldTrusted = lesson(3, 'zeta eta trusted lesson about retries'.split(' '), 90, {
      status: 'trusted',
      confirmedBy: ['run-9'],
    });
    await memory.saveMany([fresh, old, oldTrusted]);
    const { report } = await consolidate(memory, { now: NOW, decayDays: 30 });
    expect(report.decayed).toBe(1);
    expect((await memory.all()).map((l) => l.id).sort()).toEqual([fresh.id, oldTrusted.id].sort());
  });

  it('never supersedes for reading differently: a trusted fix and a newer paraphrase of it both stay, both recalled', async () => {
    const words = 'the payments webhook test fails because the signature header is compared case sensitively'.split(
      ' ',
    );
    const older = lesson(1, words, 10, {
      repo: 'api',
      fix: 'lowercase the header name before comparing',
      status: 'trusted',
      confirmedBy: ['run-5'],
    });
    const newer = lesson(2, words, 2, {
      repo: 'api',
      fix: 'compare header names without regard to letter case',
    });
    await memory.saveMany([older, newer]);
    const { report } = await consolidate(memory, { now: NOW, decayDays: 30 });
    expect(report).toMatchObject({ superseded: 0, merged: 0, after: 2 });
    const [o, n] = await memory.load([older.id, newer.id]);
    expect(o).toMatchObject({ status: 'trusted', supersededBy: '' });
    expect(n!.status).toBe('candidate');
    const recalled = await memory.recall({ query: words.join(' '), repo: 'api', topK: 5 });
    expect(recalled.map((r) => r.id).sort()).toEqual([older.id, newer.id].sort());
  });

  it('merges two lessons of one problem when only one has a fix, adding up their counts', async () => {
    const words = 'orders export job times out on large accounts deadline exceeded'.split(' ');
    const open = lesson(1, words, 5, { repo: 'api', count: 2 });
    const fixed = lesson(2, words, 1, { repo: 'api', fix: 'stream the rows in pages of 500' });
    await memory.saveMany([open, fixed]);
    const { report } = await consolidate(memory, { now: NOW, decayDays: 30 });
    expect(report).toMatchObject({ merged: 1, after: 1 });
    expect((await memory.all())[0]).toMatchObject({ fix: 'stream the rows in pages of 500', count: 3 });
  });
});
