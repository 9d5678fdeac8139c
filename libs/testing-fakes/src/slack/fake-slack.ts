import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running fake Slack incoming webhook. */
export interface FakeSlack {
  /** The webhook URL; its last path segment is the secret part Slack hands out (must never be logged). */
  url: string;
  /** The `text` of every accepted post, in order. */
  texts: string[];
  /** Every raw request body, accepted or not. */
  bodies: string[];
  close(): Promise<void>;
}

/**
 * A local HTTP server standing in for a Slack incoming webhook. Like Slack, it refuses a body that is not
 * JSON (400 `invalid_payload`) or has no text (400 `no_text`); `refuseWith` makes it answer every post with
 * that status instead (Slack down, a revoked webhook).
 */
export async function startFakeSlack(opts: { refuseWith?: number; secretPath?: string } = {}): Promise<FakeSlack> {
  const texts: string[] = [];
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      bodies.push(body);
      if (opts.refuseWith !== undefined) return void res.writeHead(opts.refuseWith).end('no_service');
      let text: unknown;
      try {
        text = (JSON.parse(body) as { text?: unknown }).text;
      } catch {
        return void res.writeHead(400).end('invalid_payload');
      }
      if (typeof text !== 'string' || text.length === 0) return void res.writeHead(400).end('no_text');
      texts.push(text);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const secretPath = opts.secretPath ?? 'T0/B0/fake-slack-webhook-secret';
  return {
    url: `http://127.0.0.1:${port}/services/${secretPath}`,
    texts,
    bodies,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
