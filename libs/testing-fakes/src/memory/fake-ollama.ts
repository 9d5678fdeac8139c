import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { LocalServer, readBody, sendJson } from '../http-util';

/**
 * Ollama's `/api/embed` for the real `ollama` client: models it has "pulled" embed to unit vectors
 * of their dimension (deterministic, words hashed, so similar texts get similar vectors); any other
 * model is a 404 "not found, try pulling it first", as Ollama answers. `/api/tags` lists the models.
 */
export class FakeOllama {
  readonly calls: Array<{ model: string; inputs: number }> = [];
  private readonly server = new LocalServer((req, res) => this.handle(req, res));
  url = '';

  constructor(private readonly models: Record<string, number> = { 'nomic-embed-text': 768 }) {}

  async start(): Promise<string> {
    this.url = await this.server.listen();
    return this.url;
  }

  async stop(): Promise<void> {
    await this.server.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'GET' && url.pathname === '/api/tags')
      return sendJson(res, 200, {
        models: Object.keys(this.models).map((name) => ({ name: `${name}:latest`, model: `${name}:latest` })),
      });
    if (req.method !== 'POST' || url.pathname !== '/api/embed')
      return sendJson(res, 404, { error: `404 page not found` });
    const body = JSON.parse((await readBody(req)) || '{}') as { model?: string; input?: string | string[] };
    const model = (body.model ?? '').replace(/:latest$/, '');
    const dim = this.models[model];
    if (!dim) return sendJson(res, 404, { error: `model "${body.model}" not found, try pulling it first` });
    if (body.input === undefined) return sendJson(res, 400, { error: 'invalid input type' });
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    this.calls.push({ model, inputs: inputs.length });
    sendJson(res, 200, {
      model: body.model,
      embeddings: inputs.map((t) => embed(t, dim)),
      total_duration: 1000,
      load_duration: 100,
      prompt_eval_count: inputs.length,
    });
  }
}

function embed(text: string, dim: number): number[] {
  const v = new Array<number>(dim).fill(0);
  for (const word of text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)) {
    const h = createHash('md5').update(word).digest();
    v[h.readUInt32LE(0) % dim]! += h[4]! & 1 ? 1 : -1;
  }
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / n);
}
