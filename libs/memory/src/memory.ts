import type { MemoryOutcomeJob, MemoryOutcomeResult, RecalledLearning, RecallRequest } from '@nightshift/contracts';

import { type Embedder, isTermEmbedder } from './embedders/embedder';
import { learnFromOutcome } from './learn-from-outcome';
import { fromPayload, type Learning, learningText, problemText, toPayload } from './learning';
import { TermStats } from './lexical/term-stats';
import type { PointFilter, VectorStore } from './stores/vector-store';

/** Below this cosine a learning is unrelated noise, not a lesson for the session. */
const MIN_RECALL_SCORE = 0.12;

/**
 * Learnings over a vector store: record outcomes, recall for a prompt (the repo's own first, then
 * other repos'), forget. Consolidation lives in consolidate.ts.
 */
export class Memory {
  constructor(
    readonly store: VectorStore,
    readonly embedder: Embedder,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Initialises the embedder, then opens the store for its dimension (a mismatch throws DimensionMismatchError). */
  async open(): Promise<void> {
    await this.embedder.init();
    await this.store.open(this.embedder.dimension, this.embedder.name);
    // Vectors of another embedder of the same dimension would be compared as if they were ours: recompute them.
    if (this.store.previousEmbedder) await this.saveMany(await this.all());
    if (isTermEmbedder(this.embedder))
      for (const p of await this.store.all())
        this.termStats.add(p.id, this.embedder.terms(problemText(fromPayload(p.id, p.payload))));
  }

  /** Document frequencies for the lexical embedder's IDF. */
  private readonly termStats = new TermStats();

  async close(): Promise<void> {
    await this.store.close();
  }

  /** Learns from one finished session (learn-from-outcome.ts: write-time dedup, fixes, supersede on evidence). */
  async record(o: MemoryOutcomeJob): Promise<MemoryOutcomeResult> {
    return learnFromOutcome(this, o, this.now().toISOString());
  }

  /** Top learnings for a query: the repo's own first, then other repos' to fill up to topK. Superseded ones never. */
  async recall(req: Pick<RecallRequest, 'query' | 'repo' | 'topK'>): Promise<RecalledLearning[]> {
    const vector = await this.queryVector(req.query);
    const active: PointFilter = { mustNot: { status: 'superseded' } };
    const own = req.repo ? await this.store.search(vector, req.topK, { must: { repo: req.repo }, ...active }) : [];
    const rest =
      own.length < req.topK
        ? await this.store.search(
            vector,
            req.topK - own.length,
            req.repo ? { mustNot: { status: 'superseded', repo: req.repo } } : active,
          )
        : [];
    const hits = [...own, ...rest]
      .filter((hit) => hit.score >= (this.embedder.minRecallScore ?? MIN_RECALL_SCORE))
      .map((hit) => ({ hit, l: fromPayload(hit.id, hit.payload) }));
    // Fixes first (what worked), then open failures ("failed N times, no fix known yet"), each best first.
    return [...hits.filter(({ l }) => l.fix), ...hits.filter(({ l }) => !l.fix)].map(({ hit, l }) => ({
      id: l.id,
      repo: l.repo,
      score: Number(hit.score.toFixed(4)),
      status: l.status,
      text: learningText(l),
      runIds: l.runIds,
    }));
  }

  private async queryVector(query: string): Promise<Float32Array> {
    const embedder = this.embedder;
    if (isTermEmbedder(embedder)) return embedder.queryVector(query, (t) => this.termStats.idf(t));
    const [vector] = await embedder.embed([query]);
    return vector!;
  }

  async forget(id: string): Promise<boolean> {
    if ((await this.store.get([id])).length === 0) return false;
    await this.store.delete([id]);
    return true;
  }

  async all(): Promise<Learning[]> {
    return (await this.store.all()).map((p) => fromPayload(p.id, p.payload));
  }

  async load(ids: string[]): Promise<Learning[]> {
    return (await this.store.get(ids)).map((p) => fromPayload(p.id, p.payload));
  }

  /** Writes a learning with the embedding of its problem text (what recall and dedup compare). */
  async save(l: Learning): Promise<void> {
    await this.saveMany([l]);
  }

  async saveMany(ls: Learning[]): Promise<void> {
    if (ls.length === 0) return;
    const texts = ls.map((l) => problemText(l));
    const embedder = this.embedder;
    if (isTermEmbedder(embedder)) ls.forEach((l, i) => this.termStats.add(l.id, embedder.terms(texts[i]!)));
    const vectors = await this.embedder.embed(texts);
    await this.store.upsert(ls.map((l, i) => ({ id: l.id, vector: vectors[i]!, payload: toPayload(l) })));
  }
}
