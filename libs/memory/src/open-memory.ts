import type { NightshiftConfig } from '@nightshift/config';

import type { Embedder } from './embedders/embedder';
import { LexicalBm25Embedder } from './embedders/lexical-bm25.embedder';
import { OllamaEmbedder } from './embedders/ollama.embedder';
import { MemoryConfigError } from './errors/memory-errors';
import { Memory } from './memory';
import { EmbeddedVectorStore } from './stores/embedded.store';
import { QdrantVectorStore } from './stores/qdrant.store';
import type { VectorStore } from './stores/vector-store';

/** Builds the configured store and embedder and opens them: a dimension mismatch or a missing server fails here, at start. */
export async function openMemory(
  config: Pick<NightshiftConfig, 'memory' | 'paths' | 'file'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Memory> {
  const memory = new Memory(createStore(config, env), createEmbedder(config, env));
  await memory.open();
  return memory;
}

export function createEmbedder(
  config: Pick<NightshiftConfig, 'memory' | 'file'>,
  env: NodeJS.ProcessEnv = process.env,
): Embedder {
  const m = config.memory;
  if (m.embedder === 'lexical') return new LexicalBm25Embedder();
  return new OllamaEmbedder({ host: env[m.ollamaUrlEnv] ?? 'http://127.0.0.1:11434', model: m.model });
}

export function createStore(
  config: Pick<NightshiftConfig, 'memory' | 'paths' | 'file'>,
  env: NodeJS.ProcessEnv = process.env,
): VectorStore {
  const m = config.memory;
  if (m.backend === 'embedded') return new EmbeddedVectorStore(config.paths.memory, m.namespace);
  const url = env[m.qdrantUrlEnv];
  if (!url)
    throw new MemoryConfigError(
      `memory.backend is qdrant but ${m.qdrantUrlEnv} is not set: set it to the Qdrant URL (e.g. http://qdrant:6333), or use memory.backend: embedded in ${config.file}`,
    );
  return new QdrantVectorStore({ url, apiKey: env[m.qdrantApiKeyEnv], collection: m.namespace });
}
