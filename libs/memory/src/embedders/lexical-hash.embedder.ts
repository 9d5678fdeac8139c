import { type Embedder, fnv1a, normalize } from './embedder';

const STOP_WORDS = new Set([
  'the',
  'a',
  'an',
  'and',
  'or',
  'of',
  'to',
  'in',
  'on',
  'for',
  'with',
  'is',
  'it',
  'be',
  'this',
  'that',
  'at',
  'by',
  'as',
  'from',
]);

/**
 * The lexical embedder before BM25 (kept for bench/memory-eval.js's comparison and the timing bench):
 * feature hashing: words and word bigrams are hashed (FNV-1a, signed) into a
 * fixed number of buckets, weighted (log term frequency), and the vector is L2-normalised. It knows
 * spelling, not meaning ("timeout" ≠ "deadline"), but needs no model download and gives the same
 * vector on every machine; Ollama is the semantic alternative. The vectors are sparse (a learning
 * touches ~100 of 4,096 buckets), which the embedded store's inverted index exploits.
 */
export class LexicalHashEmbedder implements Embedder {
  readonly name: string;

  constructor(readonly dimension = 4096) {
    this.name = `lexical-hash-${dimension}`;
  }

  async init(): Promise<void> {}

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  embedOne(text: string): Float32Array {
    const counts = new Map<string, number>();
    const add = (feature: string, weight: number) => counts.set(feature, (counts.get(feature) ?? 0) + weight);
    const words = tokens(text);
    words.forEach((word, i) => {
      if (!STOP_WORDS.has(word)) add(`w:${word}`, 1);
      if (i > 0) add(`b:${words[i - 1]} ${word}`, 0.7);
    });
    const v = new Float32Array(this.dimension);
    for (const [feature, tf] of counts) {
      const h = fnv1a(feature);
      const sign = h & 0x80000000 ? -1 : 1;
      v[h % this.dimension]! += sign * (1 + Math.log(tf));
    }
    return normalize(v);
  }
}

function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9_]+/)
    .filter((w) => w.length > 1);
}
