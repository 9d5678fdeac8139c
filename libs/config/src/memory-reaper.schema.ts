import { z } from 'zod';

import { name } from './schema-primitives';

/** The `memory` and `reaper` sections of nightshift.yaml (the memory-consolidator's and zombie-reaper's settings). */
export const memorySchema = z
  .object({
    /** Recall learnings into prompts and record outcomes; off = the {{learnings}} slot stays empty. */
    enabled: z.boolean().default(true),
    /** embedded: exact search in a file under <dataDir>/memory, no server. qdrant: a Qdrant server. */
    backend: z.enum(['embedded', 'qdrant']).default('embedded'),
    /** Environment variables holding the Qdrant URL and (optional) API key. */
    qdrantUrlEnv: z.string().default('QDRANT_URL'),
    qdrantApiKeyEnv: z.string().default('QDRANT_API_KEY'),
    /** Qdrant collection name, or the embedded store's file name. */
    namespace: name.default('nightshift-learnings'),
    /** lexical: BM25 over code-aware word terms (identifiers split, stemmed, failure-vocabulary families), no model download. ollama: an embedding model. */
    embedder: z.enum(['lexical', 'ollama']).default('lexical'),
    /** The Ollama embedding model. */
    model: z.string().min(1).default('nomic-embed-text'),
    ollamaUrlEnv: z.string().default('OLLAMA_HOST'),
    topK: z.number().int().min(1).max(20).default(5),
    /** Token budget of the learnings block in a prompt (about 4 characters a token). */
    maxTokens: z.number().int().min(50).default(600),
    /** A recall slower than this is dropped and the session goes on without learnings. */
    recallTimeoutMs: z.number().int().positive().default(1500),
    consolidateEveryHours: z.number().positive().default(6),
    /** Learnings not confirmed and not touched for this long are dropped by consolidation. */
    decayDays: z.number().positive().default(30),
  })
  .strict();

export const reaperSchema = z
  .object({
    /** How often the zombie-reaper of each host checks the sessions registered on it. */
    intervalSec: z.number().positive().default(30),
    /** Between SIGTERM and SIGKILL when the reaper (or a fencing rerun) kills an agent's process group. */
    graceSec: z.number().nonnegative().default(10),
  })
  .strict();
