import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MemoryOutcomeJob } from '@nightshift/contracts';
import { FakeOllama } from '@nightshift/testing-fakes';
import { DimensionMismatchError, EmbeddedVectorStore, LexicalHashEmbedder, Memory, OllamaEmbedder, promptLearnings } from './index';

const outcome = (o: Partial<MemoryOutcomeJob>): MemoryOutcomeJob => ({
  runId: 'API-1.1', repo: 'api', tickets: ['API-1'], subject: 'API-1: store created_at timestamps on orders', outcome: 'task_failed', model: 'sonnet', attempt: 1,
  reason: 'error_during_execution', lastLines: 'AssertionError: expected 2026-12-01T10:00:00Z, got local time (timestamps must be UTC)', recalled: [], finishedAt: '2026-12-01T10:00:00Z', ...o,
});

describe('memory: record and recall', () => {
  let dir: string;
  let memory: Memory;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ns-memory-'));
    memory = new Memory(new EmbeddedVectorStore(dir, 'm'), new LexicalHashEmbedder());
    await memory.open();
  });
  afterEach(async () => {
    await memory.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns a failure into a candidate lesson, once per run, and ignores outcomes that teach nothing', async () => {
    expect(await memory.record(outcome({}))).toMatchObject({ action: 'created' });
    expect(await memory.record(outcome({}))).toMatchObject({ action: 'ignored' });
    expect(await memory.record(outcome({ runId: 'API-1.2', outcome: 'rate_limited' }))).toMatchObject({ action: 'ignored' });
    const [l] = await memory.all();
    expect(l).toMatchObject({ repo: 'api', tickets: ['API-1'], status: 'candidate', runIds: ['API-1.1'], outcome: 'task_failed' });
    expect(l!.errorLines).toContain('timestamps must be UTC');
  });

  it('recalls the repo first, then other repos; a lesson becomes trusted only after a run that used it succeeded', async () => {
    const { learningId } = await memory.record(outcome({}));
    await memory.record(outcome({ runId: 'WEB-1.1', repo: 'web', tickets: ['WEB-1'], subject: 'WEB-1: show order timestamps' }));
    const hits = await memory.recall({ query: 'API-7: add updated_at timestamps to invoices', repo: 'api', topK: 2 });
    expect(hits.map((h) => h.repo)).toEqual(['api', 'web']);
    expect(hits[0]!.status).toBe('candidate');

    await memory.record(outcome({ runId: 'API-7.1', tickets: ['API-7'], outcome: 'task_failed', recalled: [learningId!] }));
    expect((await memory.load([learningId!]))[0]!.status).toBe('candidate');
    const ok = await memory.record(outcome({ runId: 'API-7.2', tickets: ['API-7'], outcome: 'success', recalled: [learningId!], finalMessage: 'stored timestamps in UTC' }));
    expect(ok.trusted).toEqual([learningId]);
    expect((await memory.load([learningId!]))[0]).toMatchObject({ status: 'trusted', confirmedBy: ['API-7.2'] });
    // The failure of API-7 itself now says what fixed it.
    const fixed = (await memory.all()).find((l) => l.runIds.includes('API-7.1'));
    expect(fixed!.fix).toMatch(/API-7.2 .*succeeded.*stored timestamps in UTC/);
  });

  it('cuts the prompt block to its token budget, citing each lesson by id', () => {
    const learnings = Array.from({ length: 10 }, (_, i) => ({ id: `0000000${i}-aaaa-5aaa-8aaa-aaaaaaaaaaaa`, repo: 'api', score: 0.5, status: 'candidate' as const, text: 'x'.repeat(150), runIds: [] }));
    const { lines, ids } = promptLearnings(learnings, 100);
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatch(/^\[mem:00000000\] x+$/);
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
      await expect(new OllamaEmbedder({ host, model: 'mxbai-embed-large' }).init()).rejects.toThrow(/mxbai-embed-large.*not found.*ollama pull mxbai-embed-large/);
    } finally {
      await fake.stop();
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
      const second = new Memory(new EmbeddedVectorStore(dir, 'm'), new OllamaEmbedder({ host, model: 'nomic-embed-text' }));
      await expect(second.open()).rejects.toThrow(DimensionMismatchError);
    } finally {
      await fake.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
