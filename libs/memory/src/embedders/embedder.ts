/** Turns text into vectors of a fixed dimension; the vector store's collection must have the same one. */
export interface Embedder {
  /** e.g. `lexical-hash-512` or `ollama:nomic-embed-text`. */
  readonly name: string;
  /** Known after `init()`. */
  readonly dimension: number;
  /** Probes the model (Ollama) so `dimension` is known; a no-op for local embedders. */
  init(): Promise<void>;
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
