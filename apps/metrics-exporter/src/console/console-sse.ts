import type { FastifyReply, FastifyRequest } from 'fastify';

/** One Server-Sent Events response; `open` turns false when the browser goes away or the server closes. */
export interface SseStream {
  send(event: string, data: unknown, id?: string): void;
  readonly open: boolean;
  close(): void;
}

/** Streams open now, so closing the server ends them instead of waiting on them. */
const streams = new Set<SseStream>();

/** Takes over the response as an event stream (no buffering, no caching). */
export function openSse(request: FastifyRequest, reply: FastifyReply): SseStream {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    connection: 'keep-alive',
  });
  res.write(': open\n\n');
  let open = true;
  const stream: SseStream = {
    get open() {
      return open;
    },
    send(event, data, id) {
      if (!open) return;
      // JSON never holds a raw newline, so one `data:` line carries it whole.
      res.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close() {
      if (!open) return;
      open = false;
      streams.delete(stream);
      res.end();
    },
  };
  streams.add(stream);
  request.raw.on('close', () => stream.close());
  return stream;
}

/** Ends every open stream (the server's preClose). */
export function closeAllStreams(): void {
  for (const s of [...streams]) s.close();
}

/** Runs `tick` every `ms` until the stream closes; a failing tick ends the stream (the browser reconnects). */
export async function pump(stream: SseStream, ms: number, tick: () => Promise<boolean | void>): Promise<void> {
  try {
    while (stream.open) {
      if ((await tick()) === false) break;
      await new Promise((r) => setTimeout(r, ms));
    }
  } finally {
    stream.close();
  }
}
