import { codeTerms } from '../lexical/code-terms';
import { type Embedder, fnv1a, normalize } from './embedder';

/** BM25's term-frequency saturation and length normalisation (the usual values). */
const K1 = 1.2;
const B = 0.75;
/** Terms in a typical lesson (title, decisive lines, fix): the length BM25 normalises to. */
const AVERAGE_TERMS = 60;

/**
 * The default embedder: BM25 over code-aware terms (lexical/code-terms.ts), hashed into a fixed
 * number of buckets so any vector store holds it. A lesson's vector carries each term's saturated,
 * length-normalised frequency; a query's carries each term's IDF, which the caller knows (Memory
 * counts document frequencies over the lessons it holds), so the dot product is a BM25 score scaled
 * to [0, 1] by the two vectors' lengths. It knows words, not meaning; families of failure
 * vocabulary (timeout ≈ deadline ≈ hang) bridge the commonest paraphrases. Ollama is the semantic
 * option.
 */
export class LexicalBm25Embedder implements Embedder {
  readonly name: string;
  /** Calibrated on the tuning half of bench/memory-eval (docs/benchmarks.md). */
  minRecallScore = 0.22;

  constructor(readonly dimension = 4096) {
    this.name = `lexical-bm25-${dimension}`;
  }

  async init(): Promise<void> {}

  terms(text: string): string[] {
    return codeTerms(text);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.documentVector(t));
  }

  documentVector(text: string): Float32Array {
    const terms = this.terms(text);
    const tf = counts(terms);
    const norm = K1 * (1 - B + (B * terms.length) / AVERAGE_TERMS);
    const v = new Float32Array(this.dimension);
    for (const [term, n] of tf) v[bucket(term, this.dimension)]! += (n * (K1 + 1)) / (n + norm);
    return normalize(v);
  }

  /** A query weighs each distinct term by its IDF (`idf(term)`); unknown terms weigh what `idf` says. */
  queryVector(text: string, idf: (term: string) => number): Float32Array {
    const v = new Float32Array(this.dimension);
    for (const term of counts(this.terms(text)).keys()) v[bucket(term, this.dimension)]! += idf(term);
    return normalize(v);
  }
}

function counts(terms: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of terms) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

function bucket(term: string, dimension: number): number {
  return fnv1a(term) % dimension;
}
