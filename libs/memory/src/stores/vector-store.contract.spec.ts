import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { FakeQdrant } from '@nightshift/testing-fakes';

import {
  DimensionMismatchError,
  EmbeddedVectorStore,
  LexicalHashEmbedder,
  QdrantVectorStore,
  type VectorStore,
} from '../index';

/**
 * One contract, three backends: the embedded store, Qdrant's REST fake through the real client, and
 * a real Qdrant when QDRANT_URL is set (skipped, and said so, otherwise).
 */
interface Backend {
  name: string;
  skip?: string;
  /** A store on a fresh namespace; `reopen` gives a second handle on the same namespace. */
  make(): Promise<{ store: VectorStore; reopen: () => VectorStore; cleanup: () => Promise<void> }>;
}

const embedder = new LexicalHashEmbedder(256);
const vec = (text: string) => embedder.embedOne(text);

const backends: Backend[] = [
  {
    name: 'embedded',
    make: async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-mem-'));
      return {
        store: new EmbeddedVectorStore(dir, 'contract'),
        reopen: () => new EmbeddedVectorStore(dir, 'contract'),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'qdrant fake',
    make: async () => {
      const fake = new FakeQdrant({ apiKey: 'k3y' });
      const url = await fake.start();
      const collection = `c-${randomUUID().slice(0, 8)}`;
      return {
        store: new QdrantVectorStore({ url, apiKey: 'k3y', collection }),
        reopen: () => new QdrantVectorStore({ url, apiKey: 'k3y', collection }),
        cleanup: () => fake.stop(),
      };
    },
  },
  {
    name: 'real qdrant',
    skip: process.env['QDRANT_URL'] ? undefined : 'QDRANT_URL is not set',
    make: async () => {
      const url = process.env['QDRANT_URL']!;
      const collection = `nightshift-contract-${randomUUID().slice(0, 8)}`;
      const apiKey = process.env['QDRANT_API_KEY'];
      return {
        store: new QdrantVectorStore({ url, apiKey, collection }),
        reopen: () => new QdrantVectorStore({ url, apiKey, collection }),
        cleanup: async () =>
          void (await fetch(`${url}/collections/${collection}`, {
            method: 'DELETE',
            headers: apiKey ? { 'api-key': apiKey } : {},
          })),
      };
    },
  },
];

for (const backend of backends) {
  const suite = backend.skip ? describe.skip : describe;
  if (backend.skip) console.info(`vector store contract on ${backend.name}: skipped (${backend.skip})`);
  suite(`vector store contract: ${backend.name}`, () => {
    let store: VectorStore;
    let reopen: () => VectorStore;
    let cleanup: () => Promise<void>;
    const ids = Array.from({ length: 4 }, () => randomUUID());

    beforeEach(async () => {
      ({ store, reopen, cleanup } = await backend.make());
      await store.open(256, embedder.name);
      await store.upsert([
        {
          id: ids[0]!,
          vector: vec('flaky test on timezone handling in the scheduler'),
          payload: { repo: 'api', outcome: 'task_failed', status: 'candidate', tickets: ['A-1'] },
        },
        {
          id: ids[1]!,
          vector: vec('timezone handling breaks the nightly scheduler test'),
          payload: { repo: 'web', outcome: 'task_failed', status: 'trusted', tickets: ['W-1'] },
        },
        {
          id: ids[2]!,
          vector: vec('database migration locks the users table'),
          payload: { repo: 'api', outcome: 'timeout', status: 'candidate', tickets: ['A-2', 'A-3'] },
        },
        {
          id: ids[3]!,
          vector: vec('timezone scheduler superseded advice'),
          payload: { repo: 'api', outcome: 'task_failed', status: 'superseded', tickets: ['A-4'] },
        },
      ]);
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it('finds the nearest points by cosine, best first, with their payloads', async () => {
      const hits = await store.search(vec('scheduler timezone test'), 2);
      expect(hits).toHaveLength(2);
      expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[1]!.score);
      expect(hits[0]!.score).toBeLessThanOrEqual(1.0001);
      expect(hits.map((h) => h.id)).not.toContain(ids[2]);
      expect(hits[0]!.payload['tickets']).toEqual(expect.any(Array));
    });

    it('filters on payload keywords (must, must not, any-of on arrays)', async () => {
      const api = await store.search(vec('scheduler timezone test'), 10, {
        must: { repo: 'api' },
        mustNot: { status: 'superseded' },
      });
      expect(api.map((h) => h.id).sort()).toEqual([ids[0], ids[2]].filter((id) => api.some((h) => h.id === id)).sort());
      expect(api.map((h) => h.id)).toContain(ids[0]);
      expect(api.map((h) => h.id)).not.toContain(ids[1]);
      expect(api.map((h) => h.id)).not.toContain(ids[3]);
      expect(await store.count({ must: { tickets: ['A-3', 'Z-9'] } })).toBe(1);
      expect(await store.count({ must: { outcome: ['timeout', 'task_failed'] } })).toBe(4);
    });

    it('upserts by id (a second write replaces), gets, deletes, counts and lists', async () => {
      await store.upsert([
        {
          id: ids[2]!,
          vector: vec('database migration locks'),
          payload: { repo: 'api', outcome: 'timeout', status: 'trusted', tickets: ['A-2'] },
        },
      ]);
      expect(await store.count()).toBe(4);
      const [got] = await store.get([ids[2]!]);
      expect(got!.payload['status']).toBe('trusted');
      expect(got!.vector).toHaveLength(256);
      await store.delete([ids[2]!]);
      expect(await store.get([ids[2]!])).toEqual([]);
      expect((await store.all({ must: { repo: 'api' } })).map((p) => p.id).sort()).toEqual([ids[0], ids[3]].sort());
      expect(await store.count()).toBe(3);
    });

    it('keeps what was written across a reopen', async () => {
      await store.delete([ids[1]!]);
      await store.close();
      const again = reopen();
      await again.open(256, embedder.name);
      expect(await again.count()).toBe(3);
      expect((await again.search(vec('database migration users table'), 1))[0]!.id).toBe(ids[2]);
      store = again;
    });

    it('refuses to open the namespace with another dimension, naming both', async () => {
      await store.close();
      const other = reopen();
      await expect(other.open(768, 'ollama:nomic-embed-text')).rejects.toThrow(DimensionMismatchError);
      await expect(other.open(768, 'ollama:nomic-embed-text')).rejects.toThrow(
        /256-dimensional .* ollama:nomic-embed-text produces 768/,
      );
      store = reopen();
      await store.open(256, embedder.name);
    });

    it('refuses a vector of the wrong size', async () => {
      await expect(store.upsert([{ id: randomUUID(), vector: new Float32Array(3), payload: {} }])).rejects.toThrow(
        /dimension/i,
      );
    });
  });
}
