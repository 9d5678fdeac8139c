import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a fake saw it: enough to count requests per poll and to assert what was asked. */
export interface LoggedRequest {
  method: string;
  path: string;
  /** GraphQL operation name (Linear) or the query string (GitHub). */
  detail: string;
  status: number;
  at: number;
}

/** Reads the whole request body as text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends a JSON answer with the given status and headers. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** A local HTTP server on 127.0.0.1 and a free port, closed with every open connection by `close()`. */
export class LocalServer {
  private server?: Server;

  constructor(private readonly handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>) {}

  /** Starts listening; resolves to the origin, e.g. `http://127.0.0.1:41234`. */
  async listen(): Promise<string> {
    const server = createServer((req, res) => {
      this.handler(req, res).catch((err: unknown) => {
        if (!res.headersSent)
          sendJson(res, 500, { message: `fake server bug: ${err instanceof Error ? err.message : String(err)}` });
        else res.destroy();
      });
    });
    server.keepAliveTimeout = 1000;
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
