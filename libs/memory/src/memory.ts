import type { MemoryOutcomeJob, MemoryOutcomeResult, RecalledLearning, RecallRequest } from '@nightshift/contracts';
import type { Embedder } from './embedders/embedder';
import { fromPayload, learningIdFor, learningText, oneLine, problemText, toPayload, type Learning } from './learning';
import type { PointFilter, VectorStore } from './stores/vector-store';

/** Outcomes that teach something about the code; rate limits, auth and infra errors do not. */
const LESSON_OUTCOMES = new Set(['task_failed', 'timeout', 'stalled', 'no_changes']);
/** Below this cosine a learning is unrelated noise, not a lesson for the session. */
const MIN_RECALL_SCORE = 0.12;
const MAX_ERROR_CHARS = 600;

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
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  /**
   * Learns from one finished session: a failure that says something about the code becomes a lesson
   * (the decisive lines); a success promotes the lessons it had in its prompt to trusted and writes
   * "what fixed it" onto the earlier failures of its tickets.
   */
  async record(o: MemoryOutcomeJob): Promise<MemoryOutcomeResult> {
    const at = this.now().toISOString();
    const trusted: string[] = [];
    if (o.outcome === 'success') {
      for (const l of await this.load(o.recalled)) {
        if (l.status === 'superseded' || l.confirmedBy.includes(o.runId)) continue;
        await this.save({ ...l, status: 'trusted', confirmedBy: [...l.confirmedBy, o.runId], updatedAt: at });
        trusted.push(l.id);
      }
      const earlier = (await this.store.all({ must: { repo: o.repo, tickets: o.tickets } })).map((p) => fromPayload(p.id, p.payload)).filter((l) => !l.fix && l.status !== 'superseded');
      const fix = oneLine(`run ${o.runId} (attempt ${o.attempt}, ${o.model}) succeeded${o.recalled.length ? ` with learnings ${o.recalled.map((id) => id.slice(0, 8)).join(', ')} in its prompt` : ''}${o.finalMessage ? `: ${o.finalMessage}` : ''}`).slice(0, 300);
      for (const l of earlier) await this.save({ ...l, fix, runIds: unique([...l.runIds, o.runId]), updatedAt: at });
      return { action: earlier.length ? 'updated' : 'ignored', learningId: earlier[0]?.id, trusted };
    }
    if (!LESSON_OUTCOMES.has(o.outcome)) return { action: 'ignored', trusted };
    const id = learningIdFor(o.runId);
    const existing = (await this.load([id]))[0];
    const learning: Learning = existing ?? {
      id,
      repo: o.repo,
      tickets: o.tickets,
      outcome: o.outcome,
      model: o.model,
      tried: oneLine(o.subject).slice(0, 300),
      errorLines: oneLine(`${o.reason} ${o.lastLines}`).slice(-MAX_ERROR_CHARS),
      fix: '',
      runIds: [o.runId],
      confirmedBy: [],
      status: 'candidate',
      supersededBy: '',
      createdAt: at,
      updatedAt: at,
    };
    await this.save(learning);
    return { action: existing ? 'ignored' : 'created', learningId: id, trusted };
  }

  /** Top learnings for a query: the repo's own first, then other repos' to fill up to topK. Superseded ones never. */
  async recall(req: Pick<RecallRequest, 'query' | 'repo' | 'topK'>): Promise<RecalledLearning[]> {
    const [vector] = await this.embedder.embed([req.query]);
    const active: PointFilter = { mustNot: { status: 'superseded' } };
    const own = req.repo ? await this.store.search(vector!, req.topK, { must: { repo: req.repo }, ...active }) : [];
    const rest = own.length < req.topK ? await this.store.search(vector!, req.topK - own.length, req.repo ? { mustNot: { status: 'superseded', repo: req.repo } } : active) : [];
    return [...own, ...rest]
      .filter((hit) => hit.score >= MIN_RECALL_SCORE)
      .map((hit) => {
        const l = fromPayload(hit.id, hit.payload);
        return { id: l.id, repo: l.repo, score: Number(hit.score.toFixed(4)), status: l.status, text: learningText(l), runIds: l.runIds };
      });
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
    const vectors = await this.embedder.embed(ls.map((l) => problemText(l)));
    await this.store.upsert(ls.map((l, i) => ({ id: l.id, vector: vectors[i]!, payload: toPayload(l) })));
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
