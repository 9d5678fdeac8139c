import type { IncomingMessage, ServerResponse } from 'node:http';

import { LocalServer, readBody, sendJson } from '../http-util';

type Payload = Record<string, unknown>;
interface Point {
  id: string | number;
  vector: number[];
  payload: Payload;
}
interface Collection {
  size: number;
  distance: string;
  points: Map<string, Point>;
  indexes: Map<string, string>;
}
type Condition = { key: string; match?: { value?: unknown; any?: unknown[] } };
interface Filter {
  must?: Condition[];
  must_not?: Condition[];
  should?: Condition[];
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * A Qdrant REST server for the subset Nightshift's client uses (collections, payload indexes,
 * upsert, retrieve, query, scroll, count, delete), driven by the real `@qdrant/js-client-rest`.
 * As strict as Qdrant: an unknown collection is 404, creating one twice is 409, a vector of the
 * wrong size or an id that is neither an unsigned integer nor a UUID is 400, the API key is
 * checked when one is set. Cosine vectors are normalised on write, as Qdrant does.
 */
export class FakeQdrant {
  readonly collections = new Map<string, Collection>();
  readonly requests: Array<{ method: string; path: string }> = [];
  private readonly server = new LocalServer((req, res) => this.handle(req, res));
  url = '';

  constructor(private readonly opts: { apiKey?: string } = {}) {}

  async start(): Promise<string> {
    this.url = await this.server.listen();
    return this.url;
  }

  async stop(): Promise<void> {
    await this.server.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname });
    const ok = (result: unknown) =>
      sendJson(res, 200, { result, status: 'ok', time: Number(process.hrtime.bigint() - started) / 1e9 });
    const fail = (status: number, error: string) => sendJson(res, status, { status: { error }, time: 0 });
    if (this.opts.apiKey && req.headers['api-key'] !== this.opts.apiKey)
      return fail(401, 'Must provide an API key or an Authorization bearer token');
    const text = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch (err) {
      return fail(400, `Format error in JSON body: ${(err as Error).message}`);
    }
    if (method === 'GET' && url.pathname === '/')
      return sendJson(res, 200, { title: 'qdrant - vector search engine', version: '1.18.0' });
    const m = /^\/collections\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!m) return fail(404, `Not found: ${url.pathname}`);
    const name = decodeURIComponent(m[1]!);
    const rest = m[2] ?? '';
    const col = this.collections.get(name);
    if (method === 'GET' && rest === '/exists') return ok({ exists: !!col });
    if (method === 'PUT' && rest === '') {
      if (col) return fail(409, `Wrong input: Collection \`${name}\` already exists!`);
      const vectors = body['vectors'] as { size?: number; distance?: string } | undefined;
      if (
        !vectors ||
        typeof vectors.size !== 'number' ||
        vectors.size < 1 ||
        !['Cosine', 'Dot', 'Euclid', 'Manhattan'].includes(String(vectors.distance))
      ) {
        return fail(400, 'Format error in JSON body: vectors: expected {size, distance}');
      }
      this.collections.set(name, {
        size: vectors.size,
        distance: vectors.distance!,
        points: new Map(),
        indexes: new Map(),
      });
      return ok(true);
    }
    if (!col) return fail(404, `Not found: Collection \`${name}\` doesn't exist!`);
    if (method === 'GET' && rest === '') {
      return ok({
        status: 'green',
        points_count: col.points.size,
        indexed_vectors_count: 0,
        segments_count: 1,
        config: { params: { vectors: { size: col.size, distance: col.distance } } },
        payload_schema: Object.fromEntries(
          [...col.indexes].map(([k, v]) => [k, { data_type: v, points: col.points.size }]),
        ),
      });
    }
    if (method === 'DELETE' && rest === '') {
      this.collections.delete(name);
      return ok(true);
    }
    if (method === 'PUT' && rest === '/index') {
      const field = body['field_name'];
      const schema = body['field_schema'];
      if (
        typeof field !== 'string' ||
        !['keyword', 'integer', 'float', 'bool', 'geo', 'text', 'datetime', 'uuid'].includes(String(schema))
      )
        return fail(400, 'Format error in JSON body: field_name and field_schema required');
      col.indexes.set(field, String(schema));
      return ok({ operation_id: 0, status: 'completed' });
    }
    if (method === 'PUT' && rest === '/points') {
      const points = body['points'] as Point[] | undefined;
      if (!Array.isArray(points)) return fail(400, 'Format error in JSON body: missing field `points`');
      for (const p of points) {
        const bad = badId(p.id);
        if (bad) return fail(400, bad);
        if (!Array.isArray(p.vector) || p.vector.length !== col.size)
          return fail(
            400,
            `Wrong input: Vector dimension error: expected dim: ${col.size}, got ${Array.isArray(p.vector) ? p.vector.length : 0}`,
          );
      }
      for (const p of points)
        col.points.set(String(p.id), {
          id: p.id,
          vector: col.distance === 'Cosine' ? unit(p.vector) : p.vector,
          payload: p.payload ?? {},
        });
      return ok({ operation_id: 0, status: 'completed' });
    }
    if (method === 'POST' && rest === '/points') {
      const ids = (body['ids'] as Array<string | number> | undefined) ?? [];
      const found = ids.flatMap((id) => (col.points.has(String(id)) ? [col.points.get(String(id))!] : []));
      return ok(found.map((p) => view(p, body)));
    }
    if (method === 'POST' && rest === '/points/delete') {
      const ids = (body['points'] as Array<string | number> | undefined) ?? [];
      for (const id of ids) col.points.delete(String(id));
      return ok({ operation_id: 0, status: 'completed' });
    }
    if (method === 'POST' && rest === '/points/count')
      return ok({ count: this.matching(col, body['filter'] as Filter | undefined).length });
    if (method === 'POST' && rest === '/points/scroll') {
      const limit = Number(body['limit'] ?? 10);
      const all = this.matching(col, body['filter'] as Filter | undefined).sort((a, b) =>
        String(a.id).localeCompare(String(b.id)),
      );
      const start =
        body['offset'] === undefined || body['offset'] === null
          ? 0
          : all.findIndex((p) => String(p.id) === String(body['offset']));
      const page = all.slice(Math.max(0, start), Math.max(0, start) + limit);
      const next = all[Math.max(0, start) + limit];
      return ok({ points: page.map((p) => view(p, body)), next_page_offset: next ? next.id : null });
    }
    if (method === 'POST' && rest === '/points/query') {
      const query = body['query'] as number[] | undefined;
      if (!Array.isArray(query) || query.length !== col.size)
        return fail(
          400,
          `Wrong input: Vector dimension error: expected dim: ${col.size}, got ${Array.isArray(query) ? query.length : 0}`,
        );
      const q = col.distance === 'Cosine' ? unit(query) : query;
      const limit = Number(body['limit'] ?? 10);
      const scored = this.matching(col, body['filter'] as Filter | undefined)
        .map((p) => ({ p, score: dot(p.vector, q) }))
        .filter((s) => body['score_threshold'] === undefined || s.score >= Number(body['score_threshold']))
        .sort((a, b) => b.score - a.score)
        .slice(0, limit);
      const withPayload = body['with_payload'] ?? false;
      return ok({
        points: scored.map(({ p, score }) => ({
          ...view(p, { ...body, with_payload: withPayload }),
          version: 0,
          score,
        })),
      });
    }
    return fail(404, `Not found: ${method} ${url.pathname}`);
  }

  private matching(col: Collection, filter: Filter | undefined): Point[] {
    return [...col.points.values()].filter((p) => matches(p.payload, filter));
  }
}

function badId(id: unknown): string | undefined {
  if (typeof id === 'number' && Number.isInteger(id) && id >= 0) return undefined;
  if (typeof id === 'string' && UUID.test(id)) return undefined;
  return `Format error in JSON body: value ${JSON.stringify(id)} is not a valid point ID, valid values are either an unsigned integer or a UUID`;
}

function matches(payload: Payload, filter: Filter | undefined): boolean {
  if (!filter) return true;
  const test = (c: Condition) => {
    const value = payload[c.key];
    const values = Array.isArray(value) ? value : [value];
    if (c.match?.any) return values.some((v) => c.match!.any!.includes(v));
    return values.some((v) => v === c.match?.value);
  };
  if (filter.must && !filter.must.every(test)) return false;
  if (filter.must_not && filter.must_not.some(test)) return false;
  if (filter.should && filter.should.length && !filter.should.some(test)) return false;
  return true;
}

function view(p: Point, body: Record<string, unknown>): Record<string, unknown> {
  return {
    id: p.id,
    payload: body['with_payload'] === false ? null : p.payload,
    vector: body['with_vector'] ? p.vector : null,
  };
}

function unit(v: number[]): number[] {
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return n > 0 ? v.map((x) => x / n) : v;
}

function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
