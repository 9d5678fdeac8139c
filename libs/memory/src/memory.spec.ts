import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { MemoryOutcomeJob } from '@nightshift/contracts';
import { FakeOllama } from '@nightshift/testing-fakes';

import {
  DimensionMismatchError,
  EmbeddedVectorStore,
  LexicalBm25Embedder,
  LexicalHashEmbedder,
  Memory,
  OllamaEmbedder,
  promptLearnings,
} from './index';

const outcome = (o: Partial<MemoryOutcomeJob>): MemoryOutcomeJob => ({
  runId: 'API-1.1',
  repo: 'api',
  tickets: ['API-1'],
  subject: 'API-1: store created_at timestamps on orders',
  outcome: 'task_failed',
  model: 'sonnet',
  attempt: 1,
  reason: 'error_during_execution',
  lastLines: 'AssertionError: expected 2026-12-01T10:00:00Z, got local time (timestamps must be UTC)',
  recalled: [],
  finishedAt: '2026-12-01T10:00:00Z',
  ...o,
});

describe('memory: record and recall', () => {
  let dir: string;
  let memory: Memory;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ns-memory-'));
    memory = new Memory(new EmbeddedVectorStore(dir, 'm'), new LexicalBm25Embedder());
    await memory.open();
  });
  afterEach(async () => {
    await memory.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns a failure into a candidate lesson, once per run, and ignores outcomes that teach nothing', async () => {
    expect(await memory.record(outcome({}))).toMatchObject({ action: 'created' });
    expect(await memory.record(outcome({}))).toMatchObject({ action: 'ignored' });
    expect(await memory.record(outcome({ runId: 'API-1.2', outcome: 'rate_limited' }))).toMatchObject({
      action: 'ignored',
    });
    const [l] = await memory.all();
    expect(l).toMatchObject({
      repo: 'api',
      tickets: ['API-1'],
      status: 'candidate',
      runIds: ['API-1.1'],
      outcome: 'task_failed',
    });
    expect(l!.errorLines).toContain('timestamps must be UTC');
  });

  it('recalls the repo first, then other repos; a lesson becomes trusted only after a run that used it succeeded', async () => {
    const { learningId } = await memory.record(outcome({}));
    await memory.record(
      outcome({ runId: 'WEB-1.1', repo: 'web', tickets: ['WEB-1'], subject: 'WEB-1: show order timestamps' }),
    );
    const hits = await memory.recall({
      query: 'API-7: order timestamps stored in local time, not UTC',
      repo: 'api',
      topK: 2,
    });
    expect(hits.map((h) => h.repo)).toEqual(['api', 'web']);
    expect(hits[0]!.status).toBe('candidate');

    await memory.record(
      outcome({ runId: 'API-7.1', tickets: ['API-7'], outcome: 'task_failed', recalled: [learningId!] }),
    );
    expect((await memory.load([learningId!]))[0]!.status).toBe('candidate');
    const ok = await memory.record(
      outcome({
        runId: 'API-7.2',
        tickets: ['API-7'],
        outcome: 'success',
        recalled: [learningId!],
        finalMessage: 'stored timestamps in UTC',
      }),
    );
    expect(ok.trusted).toEqual([learningId]);
    expect((await memory.load([learningId!]))[0]).toMatchObject({ status: 'trusted', confirmedBy: ['API-7.2'] });
    // The failure of API-7 itself now says what fixed it.
    const fixed = (await memory.all()).find((l) => l.runIds.includes('API-7.1'));
    expect(fixed!.fix).toMatch(/^stored timestamps in UTC \(given /);
  });

  it('write-time dedup: the same signature three times is one lesson, count 3, last seen at the third, shown once', async () => {
    for (const [i, runId] of ['API-1.1', 'API-1.2', 'API-1.3'].entries())
      await memory.record(outcome({ runId, finishedAt: `2026-12-0${i + 1}T10:00:00Z` }));
    const all = await memory.all();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      count: 3,
      lastSeen: '2026-12-03T10:00:00Z',
      runIds: ['API-1.1', 'API-1.2', 'API-1.3'],
    });
    const text = (await memory.recall({ query: 'store created_at timestamps', repo: 'api', topK: 5 }))[0]!.text;
    expect(text).toMatch(/ended task_failed 3 times, no fix known yet: /);
    const twice = [0, 1].map((i) => ({
      id: `${i}0000000-aaaa-5aaa-8aaa-aaaaaaaaaaaa`,
      repo: 'api',
      score: 0.5,
      status: 'candidate' as const,
      text,
      runIds: [],
    }));
    expect(promptLearnings(twice, 1000).lines).toHaveLength(1);
  });

  it('another ticket meeting the same signature joins the lesson; a signature with nothing decisive joins only on its own ticket', async () => {
    await memory.record(outcome({}));
    await memory.record(outcome({ runId: 'API-2.1', tickets: ['API-2'], subject: 'API-2: totals per day' }));
    expect(await memory.all()).toEqual([expect.objectContaining({ count: 2, tickets: ['API-1', 'API-2'] })]);
    const weak = { reason: '', lastLines: 'ended' };
    await memory.record(outcome({ runId: 'API-3.1', tickets: ['API-3'], ...weak }));
    await memory.record(outcome({ runId: 'API-4.1', tickets: ['API-4'], ...weak }));
    await memory.record(outcome({ runId: 'API-4.2', tickets: ['API-4'], ...weak }));
    expect((await memory.all()).map((l) => [l.tickets.join(','), l.count]).sort()).toEqual([
      ['API-1,API-2', 2],
      ['API-3', 1],
      ['API-4', 2],
    ]);
  });

  it('recalls fixes first, then open failures', async () => {
    // The open failure reads closer to the query than the fixed one: the fix still comes first.
    await memory.record(
      outcome({ runId: 'API-1.1', subject: 'API-1: orders export', lastLines: 'orders export timestamps time out' }),
    );
    await memory.record(
      outcome({ runId: 'API-2.1', tickets: ['API-2'], lastLines: 'the orders export job hit its deadline' }),
    );
    await memory.record(
      outcome({
        runId: 'API-2.2',
        tickets: ['API-2'],
        outcome: 'success',
        finalMessage: 'streamed the export in pages',
      }),
    );
    const hits = await memory.recall({ query: 'API-9: orders export timestamps time out', repo: 'api', topK: 5 });
    expect(hits.map((h) => /what fixed it/.test(h.text))).toEqual([true, false]);
    expect(hits[1]!.score).toBeGreaterThan(hits[0]!.score);
  });

  it('supersedes a fix only on evidence: a run that had it failed the same way, then succeeded with another', async () => {
    await memory.record(outcome({ runId: 'API-1.1' }));
    await memory.record(
      outcome({ runId: 'API-1.2', outcome: 'success', finalMessage: 'convert to UTC in the serializer' }),
    );
    const [first] = await memory.all();
    // A paraphrase of the failure on another ticket, without the fix in its prompt, joins it: no evidence against the fix.
    await memory.record(outcome({ runId: 'API-5.1', tickets: ['API-5'], subject: 'API-5: invoice dates' }));
    await memory.record(
      outcome({ runId: 'API-5.2', tickets: ['API-5'], outcome: 'success', finalMessage: 'store the dates as UTC' }),
    );
    expect(await memory.load([first!.id])).toEqual([expect.objectContaining({ status: 'candidate', count: 2 })]);
    expect((await memory.load([first!.id]))[0]!.fix).toMatch(/convert to UTC in the serializer/);
    // API-9 had the fix in its prompt and failed the same way: evidence. Its later success supersedes the old fix.
    await memory.record(outcome({ runId: 'API-9.1', tickets: ['API-9'], recalled: [first!.id] }));
    expect((await memory.load([first!.id]))[0]).toMatchObject({ status: 'candidate', failedAfter: ['API-9.1'] });
    await memory.record(
      outcome({
        runId: 'API-9.2',
        tickets: ['API-9'],
        outcome: 'success',
        finalMessage: 'set TZ=UTC in the test runner too',
      }),
    );
    const [old] = await memory.load([first!.id]);
    const newer = (await memory.all()).find((l) => l.runIds.includes('API-9.1'))!;
    expect(old).toMatchObject({ status: 'superseded', supersededBy: newer.id });
    expect(newer.fix).toMatch(/set TZ=UTC in the test runner too/);
  });

  it('cuts the prompt block to its token budget, citing each lesson by id', () => {
    const learnings = Array.from({ length: 10 }, (_, i) => ({
      id: `0000000${i}-aaaa-5aaa-8aaa-aaaaaaaaaaaa`,
      repo: 'api',
      score: 0.5,
      status: 'candidate' as const,
      text: `${'x'.repeat(149)}${i}`,
      runIds: [],
    }));
    const { lines, ids } = promptLearnings(learnings, 100);
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatch(/^\[mem:00000000\] x+0$/);
    expect(ids).toHaveLength(2);
  });
});

describe('embedders', () => {
  it('ollama: embeds through the real client, learns the dimension, and names the model when it is missing', async () => {
    const fake = new FakeOllama({ 'nomic-embed-text': 64 });
    const host = await fake.start();
    try {
      const ollama = new OllamaEmbedder({ host, model: 'nomic-embed-text' });
      await ollama.init();
      expect(ollama.dimension).toBe(64);
      const [a, b] = await ollama.embed(['orders timestamps utc', 'orders timestamps utc']);
      expect(Array.from(a!)).toEqual(Array.from(b!));
      await expect(new OllamaEmbedder({ host, model: 'mxbai-embed-large' }).init()).rejects.toThrow(
        /mxbai-embed-large.*not found.*ollama pull mxbai-embed-large/,
      );
    } finally {
      await fake.stop();
    }
  });

  it('a store built by the old lexical embedder is re-embedded at open by the new one (same dimension)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-memory-reembed-'));
    try {
      const old = new Memory(new EmbeddedVectorStore(dir, 'm'), new LexicalHashEmbedder());
      await old.open();
      await old.record(
        outcome({ lastLines: 'Error: connect ECONNREFUSED 127.0.0.1:5432 while running the order tests' }),
      );
      await old.close();
      const memory = new Memory(new EmbeddedVectorStore(dir, 'm'), new LexicalBm25Embedder());
      await memory.open();
      const hits = await memory.recall({
        query: 'API-9: order tests cannot reach postgres, connection refused on 5432',
        repo: 'api',
        topK: 5,
      });
      expect(hits).toHaveLength(1);
      await memory.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a store built with one embedder refuses to start with another of a different dimension', async () => {
    const fake = new FakeOllama({ 'nomic-embed-text': 64 });
    const host = await fake.start();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-memory-dim-'));
    try {
      const first = new Memory(new EmbeddedVectorStore(dir, 'm'), new LexicalHashEmbedder());
      await first.open();
      await first.close();
      const second = new Memory(
        new EmbeddedVectorStore(dir, 'm'),
        new OllamaEmbedder({ host, model: 'nomic-embed-text' }),
      );
      await expect(second.open()).rejects.toThrow(DimensionMismatchError);
    } finally {
      await fake.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
