/** The embedder and the stored collection disagree on the vector size: mixing them would make recall meaningless. */
export class DimensionMismatchError extends Error {
  override name = 'DimensionMismatchError';
  constructor(store: string, stored: number, embedder: string, produced: number) {
    super(
      `memory store ${store} holds ${stored}-dimensional vectors but embedder ${embedder} produces ${produced}: ` +
        `use the embedder the store was built with, or set memory.namespace to a new name (or delete the store) to start a fresh one`,
    );
  }
}

/** Memory cannot be reached or answer (Qdrant or Ollama down, recall timed out): sessions go on without it. */
export class MemoryUnavailableError extends Error {
  override name = 'MemoryUnavailableError';
}

/** The memory section of the config cannot be used as written (a missing environment variable, say). */
export class MemoryConfigError extends Error {
  override name = 'MemoryConfigError';
}
