/** Payload fields are flat: strings, numbers, booleans, arrays of strings. */
export type Payload = Record<string, string | number | boolean | string[] | null>;

export interface VectorPoint {
  /** A UUID (Qdrant accepts only UUIDs or unsigned integers). */
  id: string;
  vector: Float32Array;
  payload: Payload;
}

export interface ScoredPoint {
  id: string;
  /** Cosine similarity. */
  score: number;
  payload: Payload;
}

/**
 * Keyword conditions on payload fields: every `must` field equals (one of) the value(s), no
 * `mustNot` field does. Exactly what both backends can evaluate.
 */
export interface PointFilter {
  must?: Record<string, string | string[]>;
  mustNot?: Record<string, string | string[]>;
}

/** Where learnings live. Two real backends: the embedded file store and Qdrant. */
export interface VectorStore {
  /** e.g. `embedded:/data/memory/learnings` or `qdrant:http://q:6333/learnings`. */
  readonly name: string;
  /**
   * Opens (creating when absent) the namespace for vectors of `dimension`; an existing namespace of
   * another dimension throws DimensionMismatchError.
   */
  open(dimension: number, embedderName: string): Promise<void>;
  /**
   * Set by open() when the namespace was built by another embedder of the same dimension (the
   * lexical default changed from feature hashing to BM25): its vectors must be recomputed. Only
   * stores that record their embedder know it.
   */
  readonly previousEmbedder?: string;
  upsert(points: VectorPoint[]): Promise<void>;
  /** Top `limit` by cosine, best first, among points matching the filter. */
  search(vector: Float32Array, limit: number, filter?: PointFilter): Promise<ScoredPoint[]>;
  get(ids: string[]): Promise<VectorPoint[]>;
  delete(ids: string[]): Promise<void>;
  /** Every point matching the filter, with vectors (consolidation, stats). */
  all(filter?: PointFilter): Promise<VectorPoint[]>;
  count(filter?: PointFilter): Promise<number>;
  close(): Promise<void>;
}

/** Evaluates a PointFilter against a payload (the embedded store and the Qdrant fake use the same rule). */
export function matchesFilter(payload: Payload, filter: PointFilter | undefined): boolean {
  if (!filter) return true;
  // for..in rather than Object.entries: this runs once per candidate in the embedded store's hot loop.
  for (const field in filter.must) if (!fieldMatches(payload[field], filter.must[field]!)) return false;
  for (const field in filter.mustNot) if (fieldMatches(payload[field], filter.mustNot[field]!)) return false;
  return true;
}

function fieldMatches(value: Payload[string] | undefined, wanted: string | string[]): boolean {
  if (Array.isArray(value)) return value.some((v) => (Array.isArray(wanted) ? wanted.includes(v) : v === wanted));
  const text = String(value);
  return Array.isArray(wanted) ? wanted.includes(text) : text === wanted;
}
