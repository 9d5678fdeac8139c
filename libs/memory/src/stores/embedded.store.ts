import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { DimensionMismatchError } from '../errors/memory-errors';
import { SparseIndex, type SparseVector, toDense, toSparse } from './sparse-index';
import type { Payload, PointFilter, ScoredPoint, VectorPoint, VectorStore } from './vector-store';
import { matchesFilter } from './vector-store';

interface Meta {
  dimension: number;
  embedder: string;
}

type LogRecord = { u: [string, Payload, string, string] } | { d: string[] };

/**
 * The default store: no server. Points live in memory in a SparseIndex; every write is appended to
 * `<namespace>.log` (one JSON line per upsert or delete) before it is applied, and the log is folded
 * into `<namespace>.snapshot` (written aside, then renamed) once it holds more garbage than live
 * points, and on close. Loading = snapshot, then the log replayed; a torn last line (a crash
 * mid-append) is skipped. One process writes a namespace: the memory-consolidator.
 */
export class EmbeddedVectorStore implements VectorStore {
  readonly name: string;
  private index: SparseIndex | undefined;
  private logLines = 0;
  /** Set by open() when the namespace was built by another embedder of the same dimension. */
  previousEmbedder: string | undefined;

  constructor(
    private readonly dir: string,
    private readonly namespace: string,
  ) {
    this.name = `embedded:${path.join(dir, namespace)}`;
  }

  private file(kind: 'meta.json' | 'snapshot' | 'log'): string {
    return path.join(this.dir, `${this.namespace}.${kind}`);
  }

  async open(dimension: number, embedderName: string): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const metaFile = this.file('meta.json');
    if (existsSync(metaFile)) {
      const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Meta;
      if (meta.dimension !== dimension)
        throw new DimensionMismatchError(this.name, meta.dimension, embedderName, dimension);
      if (meta.embedder !== embedderName) {
        this.previousEmbedder = meta.embedder;
        writeAtomic(metaFile, JSON.stringify({ dimension, embedder: embedderName } satisfies Meta));
      }
    } else {
      writeAtomic(metaFile, JSON.stringify({ dimension, embedder: embedderName } satisfies Meta));
    }
    const index = new SparseIndex(dimension);
    for (const record of readRecords(this.file('snapshot'))) apply(index, record);
    const logRecords = readRecords(this.file('log'));
    for (const record of logRecords) apply(index, record);
    this.logLines = logRecords.length;
    this.index = index;
  }

  private get idx(): SparseIndex {
    if (!this.index) throw new Error(`${this.name} is not open: call open() first`);
    return this.index;
  }

  async upsert(points: VectorPoint[]): Promise<void> {
    const index = this.idx;
    for (const p of points) {
      if (p.vector.length !== index.dimension)
        throw new DimensionMismatchError(this.name, index.dimension, `point ${p.id}`, p.vector.length);
    }
    const records = points.map((p) => ({ id: p.id, payload: p.payload, sparse: toSparse(p.vector) }));
    this.append(records.map((r) => ({ u: [r.id, r.payload, encode(r.sparse.idx), encode(r.sparse.val)] })));
    for (const r of records) index.upsert(r.id, r.sparse, r.payload);
    this.maybeCompact();
  }

  async search(vector: Float32Array, limit: number, filter?: PointFilter): Promise<ScoredPoint[]> {
    return this.idx.search(toSparse(vector), limit, filter);
  }

  async get(ids: string[]): Promise<VectorPoint[]> {
    const index = this.idx;
    return ids.flatMap((id) => {
      const found = index.get(id);
      return found ? [{ id, vector: toDense(found.vector, index.dimension), payload: found.payload }] : [];
    });
  }

  async delete(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    this.append([{ d: ids }]);
    for (const id of ids) this.idx.remove(id);
    this.maybeCompact();
  }

  async all(filter?: PointFilter): Promise<VectorPoint[]> {
    const index = this.idx;
    const out: VectorPoint[] = [];
    for (const e of index.entries())
      if (matchesFilter(e.payload, filter))
        out.push({ id: e.id, vector: toDense(e.vector, index.dimension), payload: e.payload });
    return out;
  }

  async count(filter?: PointFilter): Promise<number> {
    if (!filter) return this.idx.size;
    let n = 0;
    for (const e of this.idx.entries()) if (matchesFilter(e.payload, filter)) n++;
    return n;
  }

  async close(): Promise<void> {
    if (!this.index) return;
    if (this.logLines > 0) this.compact();
    this.index = undefined;
  }

  private append(records: LogRecord[]): void {
    appendFileSync(this.file('log'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    this.logLines += records.length;
  }

  private maybeCompact(): void {
    const index = this.idx;
    if (this.logLines > 1000 && (index.garbage > index.size || this.logLines > 2 * index.size)) this.compact();
  }

  /** Writes the live points as the new snapshot, then empties the log; rebuilds the index without tombstones. */
  private compact(): void {
    const old = this.idx;
    const fresh = new SparseIndex(old.dimension);
    const lines: string[] = [];
    for (const e of old.entries()) {
      fresh.upsert(e.id, e.vector, e.payload);
      lines.push(JSON.stringify({ u: [e.id, e.payload, encode(e.vector.idx), encode(e.vector.val)] }));
    }
    writeAtomic(this.file('snapshot'), lines.length ? `${lines.join('\n')}\n` : '');
    // A crash here replays the old log over the new snapshot: upserts and deletes are idempotent.
    writeFileSync(this.file('log'), '');
    this.logLines = 0;
    this.index = fresh;
  }
}

function apply(index: SparseIndex, record: LogRecord): void {
  if ('u' in record) {
    const [id, payload, idx, val] = record.u;
    index.upsert(id, { idx: decode(idx, Uint32Array), val: decode(val, Float32Array) } as SparseVector, payload);
  } else {
    for (const id of record.d) index.remove(id);
  }
}

function readRecords(file: string): LogRecord[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const records: LogRecord[] = [];
  lines.forEach((line, i) => {
    if (!line) return;
    try {
      records.push(JSON.parse(line) as LogRecord);
    } catch (err) {
      // Only the last line can be torn (the process died mid-append); anything else is corruption.
      if (i < lines.length - 2)
        throw new Error(`memory store ${file} is corrupt at line ${i + 1}: ${(err as Error).message}`);
    }
  });
  return records;
}

function encode(a: Uint32Array | Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function decode<T extends Uint32Array | Float32Array>(s: string, Kind: { new (b: ArrayBuffer): T }): T {
  const buf = Buffer.from(s, 'base64');
  const copy = new ArrayBuffer(buf.length);
  new Uint8Array(copy).set(buf);
  return new Kind(copy);
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
