import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local HTTP server standing in for a Slack incoming webhook: records every posted text. */
export async function startFakeSlack(): Promise<{ url: string; texts: string[]; close(): Promise<void> }> {
  const texts: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      try {
        texts.push((JSON.parse(body) as { text: string }).text);
        res.writeHead(200).end('ok');
      } catch {
        res.writeHead(400).end('invalid_payload');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/services/T0/B0/e2e-webhook-secret`, texts, close: () => new Promise((r) => server.close(() => r())) };
}
