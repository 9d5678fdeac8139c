import { matchesFilter, type Payload, type PointFilter, type ScoredPoint } from './vector-store';

/** A vector stored by its non-zero entries only. */
export interface SparseVector {
  idx: Uint32Array;
  val: Float32Array;
}

class Postings {
  slots = new Int32Array(16);
  vals = new Float32Array(16);
  length = 0;

  push(slot: number, value: number): void {
    if (this.length === this.slots.length) {
      const slots = new Int32Array(this.length * 2);
      slots.set(this.slots);
      const vals = new Float32Array(this.length * 2);
      vals.set(this.vals);
      this.slots = slots;
      this.vals = vals;
    }
    this.slots[this.length] = slot;
    this.vals[this.length++] = value;
  }
}

export function toSparse(v: Float32Array): SparseVector {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) n++;
  const idx = new Uint32Array(n);
  const val = new Float32Array(n);
  for (let i = 0, j = 0; i < v.length; i++) {
    if (v[i] !== 0) {
      idx[j] = i;
      val[j++] = v[i]!;
    }
  }
  return { idx, val };
}

export function toDense(s: SparseVector, dimension: number): Float32Array {
  const v = new Float32Array(dimension);
  for (let j = 0; j < s.idx.length; j++) v[s.idx[j]!] = s.val[j]!;
  return v;
}

/**
 * Exact cosine search (vectors are unit length, so cosine = dot product) through an inverted index:
 * a query touches only the points sharing a non-zero dimension with it. On the lexical embedder's
 * sparse vectors that is a small share of the store; on dense model vectors it degrades to a full
 * scan (use Qdrant there at scale). Deleted slots are tombstoned and dropped by `compact()`.
 */
export class SparseIndex {
  private postings: Postings[];
  private ids: string[] = [];
  private payloads: Payload[] = [];
  private vectors: SparseVector[] = [];
  private dead = new Uint8Array(1024);
  private slotOf = new Map<string, number>();
  private acc = new Float32Array(1024);
  /** Slots a query touched, reused across queries (no per-query allocation in the hot loop). */
  private touched = new Int32Array(1024);
  private deadCount = 0;

  constructor(readonly dimension: number) {
    this.postings = Array.from({ length: dimension }, () => new Postings());
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** Slots held by deleted points, reclaimed by compact(). */
  get garbage(): number {
    return this.deadCount;
  }

  upsert(id: string, vector: SparseVector, payload: Payload): void {
    this.remove(id);
    const slot = this.ids.length;
    this.ids.push(id);
    this.payloads.push(payload);
    this.vectors.push(vector);
    this.slotOf.set(id, slot);
    if (slot >= this.dead.length) {
      const grown = new Uint8Array(this.dead.length * 2);
      grown.set(this.dead);
      this.dead = grown;
      this.acc = new Float32Array(this.dead.length);
    }
    for (let j = 0; j < vector.idx.length; j++) this.postings[vector.idx[j]!]!.push(slot, vector.val[j]!);
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.slotOf.delete(id);
    this.dead[slot] = 1;
    this.deadCount++;
    return true;
  }

  get(id: string): { vector: SparseVector; payload: Payload } | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : { vector: this.vectors[slot]!, payload: this.payloads[slot]! };
  }

  *entries(): Generator<{ id: string; vector: SparseVector; payload: Payload }> {
    for (const [id, slot] of this.slotOf) yield { id, vector: this.vectors[slot]!, payload: this.payloads[slot]! };
  }

  search(query: SparseVector, limit: number, filter?: PointFilter): ScoredPoint[] {
    const acc = this.acc;
    let nTouched = 0;
    for (let j = 0; j < query.idx.length; j++) {
      const list = this.postings[query.idx[j]!]!;
      const q = query.val[j]!;
      const { slots, vals, length } = list;
      for (let p = 0; p < length; p++) {
        const slot = slots[p]!;
        if (acc[slot] === 0) {
          if (nTouched === this.touched.length) this.touched = growInt32(this.touched);
          this.touched[nTouched++] = slot;
        }
        acc[slot] += q * vals[p]!;
      }
    }
    const top: Array<{ slot: number; score: number }> = [];
    for (let t = 0; t < nTouched; t++) {
      const slot = this.touched[t]!;
      const score = acc[slot]!;
      acc[slot] = 0;
      if (this.dead[slot] || score <= 0) continue;
      if (top.length === limit && score <= top[top.length - 1]!.score) continue;
      if (filter && !matchesFilter(this.payloads[slot]!, filter)) continue;
      let i = top.length;
      while (i > 0 && top[i - 1]!.score < score) i--;
      top.splice(i, 0, { slot, score });
      if (top.length > limit) top.pop();
    }
    return top.map(({ slot, score }) => ({
      id: this.ids[slot]!,
      score: Math.min(1, score),
      payload: this.payloads[slot]!,
    }));
  }
}

function growInt32(a: Int32Array): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(a.length * 2);
  grown.set(a);
  return grown;
}
