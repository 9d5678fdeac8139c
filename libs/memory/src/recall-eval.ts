import { type Learning, learningIdFor } from './learning';
import type { Memory } from './memory';

/** A lesson of the evaluation set (bench/memory-eval/lessons.json). */
export interface EvalLesson {
  id: string;
  repo: string;
  tried: string;
  errorLines: string;
  fix: string;
}

/** A ticket that describes `answer` in other words, or (no answer) one that must recall nothing. */
export interface EvalQuery {
  text: string;
  split: 'tune' | 'held';
  answer?: string;
}

export interface RecallFigures {
  paraphrases: number;
  recallAt1: number;
  recallAt5: number;
  mrr: number;
  unrelated: number;
  /** Share of the unrelated tickets that recalled nothing. */
  unrelatedEmpty: number;
}

/** The learning an evaluation lesson is planted as. */
export function evalLearning(l: EvalLesson): Learning {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    id: learningIdFor(`eval-${l.id}`),
    repo: l.repo,
    tickets: [l.tried.split(':')[0]!],
    outcome: 'task_failed',
    model: 'sonnet',
    tried: l.tried,
    errorLines: l.errorLines,
    fix: l.fix,
    signature: '',
    count: 1,
    lastSeen: at,
    failedAfter: [],
    runIds: [`eval-${l.id}`],
    confirmedBy: [],
    status: 'candidate',
    supersededBy: '',
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * Plants the lessons in `memory` (which should be empty) and recalls each query of one split the way a
 * session does (its lesson's repo first, topK 5, the minimum score applied): recall@1, recall@5 and
 * MRR over the paraphrases, and the share of unrelated tickets (asked on alternating repos) that got
 * nothing. bench/memory-eval.js prints it; memory-eval.spec.ts holds the default to its targets.
 */
export async function evaluateRecall(
  memory: Memory,
  set: { lessons: EvalLesson[]; queries: EvalQuery[]; unrelated: EvalQuery[] },
  split: 'tune' | 'held',
): Promise<RecallFigures> {
  await memory.saveMany(set.lessons.map(evalLearning));
  const lessonOf = new Map(set.lessons.map((l) => [learningIdFor(`eval-${l.id}`), l]));
  const repoOf = new Map(set.lessons.map((l) => [l.id, l.repo]));
  let hit1 = 0;
  let hit5 = 0;
  let rr = 0;
  const qs = set.queries.filter((q) => q.split === split);
  for (const q of qs) {
    const got = await memory.recall({ query: q.text, repo: repoOf.get(q.answer ?? ''), topK: 5 });
    const rank = got.findIndex((g) => lessonOf.get(g.id)?.id === q.answer);
    if (rank === 0) hit1++;
    if (rank >= 0 && rank < 5) hit5++;
    if (rank >= 0) rr += 1 / (rank + 1);
  }
  const us = set.unrelated.filter((u) => u.split === split);
  let empty = 0;
  for (const [i, u] of us.entries()) {
    const repos = [...new Set(set.lessons.map((l) => l.repo))];
    const got = await memory.recall({ query: u.text, repo: repos[i % repos.length], topK: 5 });
    if (got.length === 0) empty++;
  }
  return {
    paraphrases: qs.length,
    recallAt1: hit1 / qs.length,
    recallAt5: hit5 / qs.length,
    mrr: rr / qs.length,
    unrelated: us.length,
    unrelatedEmpty: empty / us.length,
  };
}
