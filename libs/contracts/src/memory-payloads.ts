import type { Outcome } from '@nightshift/domain';

/** What a finished session tells memory; the consolidator turns it into (or onto) a learning. */
export interface MemoryOutcomeJob {
  runId: string;
  repo: string;
  tickets: string[];
  /** The tickets by key and short title (redacted; derive-learning.ts): never a description or a comment. */
  subject: string;
  outcome: Outcome;
  model: string;
  attempt: number;
  /** Short reason from the classifier (redacted). */
  reason: string;
  /** The failure signature (redacted): the decisive lines of the agent's output, each once, without the ticket's own text. */
  lastLines: string;
  /** A success's fix (redacted, capped): the agent's final message without the ticket's own text, and the diffstat line. */
  finalMessage?: string;
  /** Ids of the learnings recalled into this session's prompt. */
  recalled: string[];
  finishedAt: string;
}

export interface MemoryOutcomeResult {
  /** The learning written or updated, if any. */
  learningId?: string;
  action: 'created' | 'updated' | 'ignored';
  /** Learnings promoted to trusted by this outcome. */
  trusted: string[];
}

export interface RecallRequest {
  query: string;
  repo?: string;
  topK: number;
  /** Epoch ms after which nobody waits for the answer: the consolidator drops the request. */
  deadline: number;
}

export interface RecalledLearning {
  id: string;
  repo: string;
  score: number;
  status: 'candidate' | 'trusted' | 'superseded';
  text: string;
  /** Where it came from: the run ids whose outcomes made it. */
  runIds: string[];
}

export interface RecallResult {
  learnings: RecalledLearning[];
  /** False when the request expired before a consolidator took it. */
  answered: boolean;
}

export interface MemoryStatsRequest {
  repo?: string;
}

export interface MemoryStatsResult {
  backend: string;
  embedder: string;
  dimension: number;
  total: number;
  byStatus: Record<string, number>;
  byRepo: Record<string, number>;
  lastConsolidation?: ConsolidationReport;
  digests: Record<string, string>;
}

export interface MemoryForgetRequest {
  id: string;
}

export interface MemoryForgetResult {
  removed: boolean;
}

export interface ConsolidateJob {
  /** ISO time the scheduler fired; consolidation decays relative to it. */
  at?: string;
}

export interface ConsolidationReport {
  at: string;
  before: number;
  after: number;
  merged: number;
  decayed: number;
  superseded: number;
  digests: number;
}
