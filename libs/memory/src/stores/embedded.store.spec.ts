import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { EmbeddedVectorStore, LexicalHashEmbedder } from '../index';

const embedder = new LexicalHashEmbedder();

describe('embedded vector store', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'ns-embedded-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the exact top k among thousands of points sharing a word (the same answer as a brute-force scan)', async () => {
    const store = new EmbeddedVectorStore(dir, 'big');
    await store.open(embedder.dimension, embedder.name);
    const texts = Array.from({ length: 1500 }, (_, i) => `shared word${i % 97} other${i % 13} item${i}`);
    const ids = texts.map(() => randomUUID());
    await store.upsert(
      texts.map((t, i) => ({ id: ids[i]!, vector: embedder.embedOne(t), payload: { repo: i % 2 ? 'odd' : 'even' } })),
    );
    const q = embedder.embedOne('shared word5 other5');
    const brute = texts
      .map((t, i) => ({ id: ids[i]!, i, score: embedder.embedOne(t).reduce((s, x, j) => s + x * q[j]!, 0) }))
      .filter((x) => x.i % 2 === 1)
      .sort((a, b) => b.score - a.score)
      .slice(0, 5);
    const hits = await store.search(q, 5, { must: { repo: 'odd' } });
    expect(hits.map((h) => h.score.toFixed(5))).toEqual(brute.map((b) => Math.min(1, b.score).toFixed(5)));
    await store.close();
  });

  it('survives a crash mid-append: the torn last line is skipped, everything before it is kept', async () => {
    const store = new EmbeddedVectorStore(dir, 'torn');
    await store.open(embedder.dimension, embedder.name);
    const kept = randomUUID();
    await store.upsert([{ id: kept, vector: embedder.embedOne('kept lesson'), payload: { repo: 'api' } }]);
    // The process "dies" halfway through writing the next record.
    appendFileSync(path.join(dir, 'torn.log'), '{"u":["half-writ');
    const again = new EmbeddedVectorStore(dir, 'torn');
    await again.open(embedder.dimension, embedder.name);
    expect((await again.all()).map((p) => p.id)).toEqual([kept]);
    await again.close();
    // Closing folded the log into the snapshot.
    expect(readFileSync(path.join(dir, 'torn.log'), 'utf8')).toBe('');
    expect(readFileSync(path.join(dir, 'torn.snapshot'), 'utf8')).toContain(kept);
  });

  it('refuses a log corrupted before its last line, naming the file and line', async () => {
    const store = new EmbeddedVectorStore(dir, 'bad');
    await store.open(embedder.dimension, embedder.name);
    appendFileSync(path.join(dir, 'bad.log'), 'garbage\n{"d":[]}\n');
    await expect(new EmbeddedVectorStore(dir, 'bad').open(embedder.dimension, embedder.name)).rejects.toThrow(
      /bad\.log is corrupt at line 1/,
    );
  });
});
