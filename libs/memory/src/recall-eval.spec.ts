import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { LexicalBm25Embedder } from './embedders/lexical-bm25.embedder';
import { Memory } from './memory';
import { type EvalLesson, type EvalQuery, evaluateRecall } from './recall-eval';
import { EmbeddedVectorStore } from './stores/embedded.store';

const SET = path.join(__dirname, '../../../bench/memory-eval');
const read = <T>(f: string) => JSON.parse(readFileSync(path.join(SET, f), 'utf8')) as T;
const set = {
  lessons: read<EvalLesson[]>('lessons.json'),
  queries: read<EvalQuery[]>('queries.json'),
  unrelated: read<EvalQuery[]>('unrelated.json'),
};

async function figuresFor(split: 'tune' | 'held') {
  const dir = mkdtempSync(path.join(tmpdir(), 'ns-memory-eval-'));
  const memory = new Memory(new EmbeddedVectorStore(dir, 'eval'), new LexicalBm25Embedder());
  await memory.open();
  try {
    return await evaluateRecall(memory, set, split);
  } finally {
    await memory.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the default embedder on the hand-written evaluation set (bench/memory-eval)', () => {
  it('recalls ≥ 0.8 of the paraphrases in its top 5 (≥ 0.75 of the held-out ones), and nothing for ≥ 0.95 of unrelated tickets', async () => {
    expect(set.lessons.length).toBeGreaterThanOrEqual(40);
    expect(set.queries.length).toBeGreaterThanOrEqual(60);
    expect(set.unrelated.length).toBeGreaterThanOrEqual(20);
    const tune = await figuresFor('tune');
    const held = await figuresFor('held');
    const all =
      (tune.recallAt5 * tune.paraphrases + held.recallAt5 * held.paraphrases) / (tune.paraphrases + held.paraphrases);
    expect(all).toBeGreaterThanOrEqual(0.8);
    expect(held.recallAt5).toBeGreaterThanOrEqual(0.75);
    expect(tune.unrelatedEmpty).toBeGreaterThanOrEqual(0.95);
    expect(held.unrelatedEmpty).toBeGreaterThanOrEqual(0.95);
  });
});
