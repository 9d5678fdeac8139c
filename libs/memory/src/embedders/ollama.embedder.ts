import { Ollama } from 'ollama';

import { MemoryUnavailableError } from '../errors/memory-errors';
import { type Embedder, normalize } from './embedder';

/** Embeddings from an Ollama server (`/api/embed`) through the official client; the model comes from config. */
export class OllamaEmbedder implements Embedder {
  readonly name: string;
  private dim = 0;
  private readonly client: Ollama;

  constructor(private readonly opts: { host: string; model: string }) {
    this.name = `ollama:${opts.model}`;
    this.client = new Ollama({ host: opts.host });
  }

  /** The server it calls (the compose spec checks what a container resolves). */
  get host(): string {
    return this.opts.host;
  }

  get dimension(): number {
    if (!this.dim) throw new Error(`${this.name}: call init() before reading the dimension`);
    return this.dim;
  }

  /** Embeds a probe to learn the model's dimension; a missing model or server is a clear error. */
  async init(): Promise<void> {
    const [probe] = await this.embed(['dimension probe']);
    this.dim = probe!.length;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    let response;
    try {
      response = await this.client.embed({ model: this.opts.model, input: texts });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new MemoryUnavailableError(
        `Ollama at ${this.opts.host} could not embed with model "${this.opts.model}": ${message} (pull it with \`ollama pull ${this.opts.model}\`, or set memory.embedder: lexical)`,
      );
    }
    if (response.embeddings.length !== texts.length)
      throw new MemoryUnavailableError(
        `Ollama returned ${response.embeddings.length} embeddings for ${texts.length} inputs`,
      );
    return response.embeddings.map((e) => normalize(Float32Array.from(e)));
  }
}
