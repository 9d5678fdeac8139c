import { QdrantClient } from '@qdrant/js-client-rest';

import { FakeQdrant } from '../index';

describe('FakeQdrant refuses what Qdrant refuses (through the real client)', () => {
  const fake = new FakeQdrant({ apiKey: 'secret-key' });
  let client: QdrantClient;
  beforeAll(async () => {
    const url = await fake.start();
    client = new QdrantClient({ url, apiKey: 'secret-key', checkCompatibility: false });
    await client.createCollection('c', { vectors: { size: 3, distance: 'Cosine' } });
  });
  afterAll(() => fake.stop());

  const status = async (p: Promise<unknown>) =>
    p.then(
      () => 200,
      (err: { status?: number }) => err.status,
    );

  it('a wrong API key is 401', async () => {
    const wrong = new QdrantClient({ url: fake.url, apiKey: 'nope', checkCompatibility: false });
    expect(await status(wrong.getCollection('c'))).toBe(401);
  });

  it('an unknown collection is 404; creating one twice is 409', async () => {
    expect(await status(client.getCollection('missing'))).toBe(404);
    expect(await status(client.createCollection('c', { vectors: { size: 3, distance: 'Cosine' } }))).toBe(409);
  });

  it('a vector of the wrong size or an id that is neither a UUID nor an unsigned integer is 400', async () => {
    expect(await status(client.upsert('c', { wait: true, points: [{ id: 1, vector: [1, 2], payload: {} }] }))).toBe(
      400,
    );
    expect(
      await status(client.upsert('c', { wait: true, points: [{ id: 'not-a-uuid', vector: [1, 2, 3], payload: {} }] })),
    ).toBe(400);
    expect(await status(client.query('c', { query: [1, 2], limit: 1 }))).toBe(400);
  });

  it('normalises cosine vectors on write, as Qdrant does', async () => {
    await client.upsert('c', { wait: true, points: [{ id: 7, vector: [3, 0, 4], payload: { repo: 'api' } }] });
    const [p] = await client.retrieve('c', { ids: [7], with_vector: true });
    expect(p!.vector).toEqual([0.6, 0, 0.8]);
    const res = await client.query('c', {
      query: [3, 0, 4],
      limit: 1,
      with_payload: true,
      filter: { must: [{ key: 'repo', match: { value: 'api' } }] },
    });
    expect(res.points[0]!.score).toBeCloseTo(1, 6);
  });
});
