/** Turns text into vectors of a fixed dimension; the vector store's collection must have the same one. */
export interface Embedder {
  /** e.g. `lexical-hash-512` or `ollama:nomic-embed-text`. */
  readonly name: string;
  /** Known after `init()`. */
  readonly dimension: number;
  /** Probes the model (Ollama) so `dimension` is known; a no-op for local embedders. */
  init(): Promise<void>;
  /** Below this score a hit is unrelated, not a lesson for the session (calibrated per embedder). */
  readonly minRecallScore?: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** Scales a vector to length 1 in place (cosine = dot product afterwards); a zero vector stays zero. */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

/** A lexical embedder whose queries are weighted by corpus statistics Memory keeps (BM25's IDF). */
export interface TermEmbedder extends Embedder {
  /** The terms a text is indexed by. */
  terms(text: string): string[];
  /** The query's vector, each term weighted by `idf(term)`. */
  queryVector(text: string, idf: (term: string) => number): Float32Array;
}

export function isTermEmbedder(e: Embedder): e is TermEmbedder {
  return typeof (e as Partial<TermEmbedder>).terms === 'function';
}

/** FNV-1a, 32 bits: the lexical embedders' feature hash. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
