import { QdrantClient } from '@qdrant/js-client-rest';

import { DimensionMismatchError, MemoryUnavailableError } from '../errors/memory-errors';
import type { Payload, PointFilter, ScoredPoint, VectorPoint, VectorStore } from './vector-store';

/** Payload fields recall filters on: indexed so filtered search stays fast on a large collection. */
const INDEXED_FIELDS = ['repo', 'outcome', 'status'];

/** Learnings in a Qdrant collection (one per namespace), cosine distance, keyword indexes on repo/outcome/status. */
export class QdrantVectorStore implements VectorStore {
  readonly name: string;
  private readonly client: QdrantClient;

  constructor(private readonly opts: { url: string; apiKey?: string; collection: string; timeoutMs?: number }) {
    this.name = `qdrant:${new URL(opts.url).origin}/${opts.collection}`;
    this.client = new QdrantClient({
      url: opts.url,
      apiKey: opts.apiKey,
      timeout: opts.timeoutMs ?? 10_000,
      checkCompatibility: false,
    });
  }

  async open(dimension: number, embedderName: string): Promise<void> {
    const c = this.opts.collection;
    const exists = await this.call('check the collection', () => this.client.collectionExists(c));
    if (exists.exists) {
      const info = await this.call('read the collection', () => this.client.getCollection(c));
      const vectors = info.config.params.vectors as { size?: number } | undefined;
      if (vectors?.size !== undefined && vectors.size !== dimension)
        throw new DimensionMismatchError(this.name, vectors.size, embedderName, dimension);
    } else {
      await this.call('create the collection', () =>
        this.client.createCollection(c, { vectors: { size: dimension, distance: 'Cosine' } }),
      );
    }
    for (const field of INDEXED_FIELDS) {
      await this.call(`index ${field}`, () =>
        this.client.createPayloadIndex(c, { field_name: field, field_schema: 'keyword', wait: true }),
      );
    }
  }

  async upsert(points: VectorPoint[]): Promise<void> {
    if (points.length === 0) return;
    await this.call('upsert', () =>
      this.client.upsert(this.opts.collection, {
        wait: true,
        points: points.map((p) => ({ id: p.id, vector: Array.from(p.vector), payload: p.payload })),
      }),
    );
  }

  async search(vector: Float32Array, limit: number, filter?: PointFilter): Promise<ScoredPoint[]> {
    const res = await this.call('query', () =>
      this.client.query(this.opts.collection, {
        query: Array.from(vector),
        limit,
        filter: toQdrant(filter),
        with_payload: true,
      }),
    );
    return res.points.map((p) => ({ id: String(p.id), score: p.score, payload: (p.payload ?? {}) as Payload }));
  }

  async get(ids: string[]): Promise<VectorPoint[]> {
    if (ids.length === 0) return [];
    const res = await this.call('retrieve', () =>
      this.client.retrieve(this.opts.collection, { ids, with_payload: true, with_vector: true }),
    );
    return res.map((p) => ({
      id: String(p.id),
      vector: Float32Array.from(p.vector as number[]),
      payload: (p.payload ?? {}) as Payload,
    }));
  }

  async delete(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.call('delete', () => this.client.delete(this.opts.collection, { wait: true, points: ids }));
  }

  async all(filter?: PointFilter): Promise<VectorPoint[]> {
    const out: VectorPoint[] = [];
    let offset: string | number | undefined;
    do {
      const page = await this.call('scroll', () =>
        this.client.scroll(this.opts.collection, {
          filter: toQdrant(filter),
          limit: 256,
          offset,
          with_payload: true,
          with_vector: true,
        }),
      );
      for (const p of page.points)
        out.push({
          id: String(p.id),
          vector: Float32Array.from(p.vector as number[]),
          payload: (p.payload ?? {}) as Payload,
        });
      offset = (page.next_page_offset ?? undefined) as string | number | undefined;
    } while (offset !== undefined);
    return out;
  }

  async count(filter?: PointFilter): Promise<number> {
    return (
      await this.call('count', () => this.client.count(this.opts.collection, { filter: toQdrant(filter), exact: true }))
    ).count;
  }

  async close(): Promise<void> {}

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof DimensionMismatchError) throw err;
      const data = (err as { data?: { status?: { error?: string } } }).data;
      const detail = data?.status?.error ?? (err instanceof Error ? err.message : String(err));
      throw new MemoryUnavailableError(`Qdrant (${this.name}) failed to ${what}: ${detail}`);
    }
  }
}

type Condition = { key: string; match: { value: string } | { any: string[] } };

function toQdrant(filter: PointFilter | undefined): { must?: Condition[]; must_not?: Condition[] } | undefined {
  if (!filter) return undefined;
  const conditions = (fields: Record<string, string | string[]> | undefined): Condition[] =>
    Object.entries(fields ?? {}).map(([key, v]) => ({ key, match: Array.isArray(v) ? { any: v } : { value: v } }));
  const must = conditions(filter.must);
  const mustNot = conditions(filter.mustNot);
  return { ...(must.length ? { must } : {}), ...(mustNot.length ? { must_not: mustNot } : {}) };
}
