import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { makePrivateDir } from '@nightshift/file-store';

export interface EmbeddedRedis {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1, picked by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a `redis-server` child on a free port, keeping its data (AOF) in `dir` so queues, claims and
 * the event stream survive a restart. Used when no REDIS_URL is configured, and by every test.
 */
export async function startEmbeddedRedis(opts: {
  dir: string;
  port?: number;
  persist?: boolean;
  binary?: string;
  /** `requirepass`: kept in a 0600 config file, never on the command line (`ps` shows that to anyone). */
  password?: string;
  /** Own process group: a Ctrl-C at the terminal reaches its supervisor only, which stops it last. */
  ownProcessGroup?: boolean;
}): Promise<EmbeddedRedis> {
  // Its AOF holds every queue payload, claim and event: private like the rest of the data dir.
  makePrivateDir(opts.dir);
  const port = opts.port ?? (await freePort());
  const args: string[] = [];
  if (opts.password !== undefined) {
    const conf = path.join(opts.dir, 'redis-auth.conf');
    writeFileSync(conf, `requirepass "${opts.password}"\n`, { mode: 0o600 });
    chmodSync(conf, 0o600);
    args.push(conf);
  }
  args.push('--port', String(port), '--bind', '127.0.0.1', '--dir', opts.dir, '--save', '', '--daemonize', 'no');
  // AOF fsynced every second: a crash of redis-server loses nothing acknowledged, a power cut at most the last second.
  args.push('--appendonly', opts.persist === false ? 'no' : 'yes', '--appendfsync', 'everysec');
  const child = spawn(opts.binary ?? 'redis-server', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.ownProcessGroup === true,
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'ENOENT'
            ? 'redis-server not found on PATH: install it (apt-get install redis-server) or set REDIS_URL'
            : err.message,
        ),
      ),
    );
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited with ${code} before it was ready:\n${output.slice(-2000)}`)),
    );
  });
  child.stdout?.removeAllListeners('data').resume();
  child.stderr?.removeAllListeners('data').resume();
  const auth = opts.password === undefined ? '' : `:${encodeURIComponent(opts.password)}@`;
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
