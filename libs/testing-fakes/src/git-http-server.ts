import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { LocalServer } from './http-util';

export interface GitHttpServerOptions {
  /** Folder holding bare repositories, served as `<origin>/<name>.git`. */
  projectRoot: string;
  /** The token pushes must carry as `Authorization: Basic base64(x-access-token:<token>)`; reads need none (a public repo). */
  token: string;
}

/**
 * Git's smart HTTP protocol for local bare repos, through `git http-backend` (CGI), demanding the
 * token on pushes the way github.com does: proves a push really carried the credential, and how.
 */
export class GitHttpServer {
  /** Every Authorization header a push arrived with (empty string: none). */
  readonly pushAuthHeaders: string[] = [];
  private readonly server = new LocalServer((req, res) => this.handle(req, res));

  constructor(private readonly opts: GitHttpServerOptions) {}

  start(): Promise<string> {
    return this.server.listen();
  }

  stop(): Promise<void> {
    return this.server.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://git');
    const isPush = url.searchParams.get('service') === 'git-receive-pack' || url.pathname.endsWith('/git-receive-pack');
    const auth = req.headers.authorization ?? '';
    if (isPush) {
      this.pushAuthHeaders.push(auth);
      const expected = `Basic ${Buffer.from(`x-access-token:${this.opts.token}`).toString('base64')}`;
      if (auth !== expected) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' });
        return void res.end('Invalid username or token.\n');
      }
    }
    const child = spawn('git', ['http-backend'], {
      env: {
        ...process.env,
        GIT_PROJECT_ROOT: this.opts.projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        // http-backend enables receive-pack for authenticated users only.
        REMOTE_USER: isPush ? 'x-access-token' : '',
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // Drained so a chatty backend never blocks on a full stderr pipe.
    child.stderr.resume();
    req.pipe(child.stdin);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    await new Promise<void>((resolve) => child.on('close', () => resolve()));
    const out = Buffer.concat(chunks);
    const split = out.indexOf('\r\n\r\n');
    const head = out.subarray(0, split).toString('utf8');
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of head.split('\r\n')) {
      const i = line.indexOf(':');
      const name = line.slice(0, i).trim().toLowerCase();
      const value = line.slice(i + 1).trim();
      if (name === 'status') status = Number.parseInt(value, 10);
      else if (name) headers[name] = value;
    }
    res.writeHead(status, headers);
    res.end(out.subarray(split + 4));
  }
}
