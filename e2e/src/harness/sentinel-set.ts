import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { freePort } from '@nightshift/service-shell';
import { waitFor } from '@nightshift/testing-fakes';
import { Redis } from 'ioredis';

export const SENTINEL_PRIMARY_NAME = 'nightshift';

/**
 * Debian's redis-server and redis-sentinel on loopback, as a fleet that outgrew one box runs them: a
 * primary and a replica that admit only an ACL user with a password, and three sentinels (quorum 2) that
 * fail over a second after the primary stops answering.
 */
export class SentinelSet {
  private readonly nodes: Array<{ port: number; child: ChildProcess }> = [];
  private readonly sentinels: Array<{ port: number; child: ChildProcess }> = [];

  private constructor(
    readonly user: string,
    readonly password: string,
  ) {}

  /** The URL the services get: the ACL user and password, and every sentinel's address. */
  get url(): string {
    const hosts = this.sentinels.map((s) => `127.0.0.1:${s.port}`).join(',');
    return `redis+sentinel://${this.user}:${this.password}@${hosts}/${SENTINEL_PRIMARY_NAME}`;
  }

  get primaryPort(): number {
    return this.nodes[0]!.port;
  }

  get replicaPort(): number {
    return this.nodes[1]!.port;
  }

  static async start(dir: string, user = 'nightshift', password = 'sentinel-e2e-password'): Promise<SentinelSet> {
    const set = new SentinelSet(user, password);
    const auth = [
      `user default off`,
      `user ${user} on >${password} ~* &* +@all`,
      `masteruser ${user}`,
      `masterauth ${password}`,
    ];
    for (const role of ['primary', 'replica'] as const) {
      const port = await freePort();
      const nodeDir = path.join(dir, role);
      mkdirSync(nodeDir, { recursive: true });
      const lines = [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${nodeDir}`,
        'save ""',
        'appendonly yes',
        'appendfsync everysec',
        ...auth,
      ];
      if (role === 'replica') lines.push(`replicaof 127.0.0.1 ${set.primaryPort}`);
      set.nodes.push({
        port,
        child: await launch('redis-server', path.join(nodeDir, 'redis.conf'), lines, 'Ready to accept connections'),
      });
    }
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const lines = [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${SENTINEL_PRIMARY_NAME} 127.0.0.1 ${set.primaryPort} 2`,
        `sentinel auth-user ${SENTINEL_PRIMARY_NAME} ${user}`,
        `sentinel auth-pass ${SENTINEL_PRIMARY_NAME} ${password}`,
        `sentinel down-after-milliseconds ${SENTINEL_PRIMARY_NAME} 1000`,
        `sentinel failover-timeout ${SENTINEL_PRIMARY_NAME} 5000`,
      ];
      // Sentinels rewrite their config file: each its own.
      set.sentinels.push({
        port,
        child: await launch('redis-sentinel', path.join(dir, `sentinel-${i}.conf`), lines, 'monitor master'),
      });
    }
    await waitFor(
      'the replica in sync',
      async () => (await set.info(set.replicaPort)).includes('master_link_status:up'),
      20_000,
      100,
    );
    return set;
  }

  /** The port the sentinels now name as the primary. */
  async primaryNow(): Promise<number> {
    const sentinel = new Redis(this.sentinels[0]!.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await sentinel.connect();
      const [, port] = (await sentinel.call('SENTINEL', 'get-master-addr-by-name', SENTINEL_PRIMARY_NAME)) as string[];
      return Number(port);
    } finally {
      sentinel.disconnect();
    }
  }

  /** The primary dies at once, as a power cut or the OOM killer would end it. */
  killPrimary(): void {
    this.nodes[0]!.child.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.sentinels, ...this.nodes].map(({ child }) => stopChild(child)));
  }

  private async info(port: number): Promise<string> {
    const redis = new Redis(port, '127.0.0.1', {
      username: this.user,
      password: this.password,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    });
    try {
      await redis.connect();
      return await redis.info('replication');
    } catch {
      return '';
    } finally {
      redis.disconnect();
    }
  }
}

async function launch(binary: string, conf: string, lines: string[], readyLine: string): Promise<ChildProcess> {
  writeFileSync(conf, `${lines.join('\n')}\n`, { mode: 0o600 });
  const child = spawn(binary, [conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(readyLine)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${binary} exited with ${code}:\n${output.slice(-2000)}`)));
  });
  child.stdout!.removeAllListeners('data').resume();
  child.stderr!.removeAllListeners('data').resume();
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
