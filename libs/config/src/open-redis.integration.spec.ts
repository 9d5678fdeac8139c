import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

import { openRedis } from './open-redis';
import { parseRedisUrl, redisUrlPassword } from './redis-target';

jest.setTimeout(30_000);

describe('parseRedisUrl', () => {
  it.each([
    ['redis://127.0.0.1:6379', { kind: 'single', tls: false, username: undefined, password: undefined }],
    ['redis://:p%40ss@redis:6379', { kind: 'single', tls: false, username: undefined, password: 'p@ss' }],
    [
      'rediss://nightshift:pw@redis.example:6380',
      { kind: 'single', tls: true, username: 'nightshift', password: 'pw' },
    ],
    [
      'redis+sentinel://nightshift:pw@s1:26379,s2:26380,s3/primary?db=2',
      {
        kind: 'sentinel',
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26380 },
          { host: 's3', port: 26379 },
        ],
        name: 'primary',
        tls: false,
        username: 'nightshift',
        password: 'pw',
        db: 2,
      },
    ],
    ['rediss+sentinel://:pw@10.0.0.1:26379', { kind: 'sentinel', name: 'mymaster', tls: true, password: 'pw', db: 0 }],
  ])('%s', (url, expected) => expect(parseRedisUrl(url)).toMatchObject(expected));

  it('refuses another scheme, and redisUrlPassword finds the password of every form', () => {
    expect(() => parseRedisUrl('http://redis:6379')).toThrow(/unsupported Redis URL scheme "http:"/);
    expect(redisUrlPassword('redis+sentinel://u:secret@a:1,b:2/x')).toBe('secret');
    expect(redisUrlPassword('rediss://:secret@a:1')).toBe('secret');
    expect(redisUrlPassword('redis://a:1')).toBeUndefined();
    expect(redisUrlPassword(null)).toBeUndefined();
  });
});

/** A TLS-only redis-server whose one ACL user has a password, with a self-signed certificate. */
describe('openRedis against a TLS Redis with an ACL user', () => {
  let dir: string;
  let server: ChildProcess;
  let port = 0;
  const ca = () => path.join(dir, 'cert.pem');
  const opts = { lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ns-redis-tls-'));
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
        ...['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', ca()],
      ],
      { stdio: 'ignore' },
    );
    port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    server = spawn('redis-server', [
      ...['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      ...['--tls-cert-file', ca(), '--tls-key-file', path.join(dir, 'key.pem'), '--tls-ca-cert-file', ca()],
      ...[
        '--tls-auth-clients',
        'no',
        '--user',
        'default',
        'off',
        '--user',
        'nightshift',
        'on',
        '>tls-pw',
        '~*',
        '&*',
        '+@all',
      ],
    ]);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (c: Buffer) => (out += c.toString()).includes('Ready to accept') && resolve());
      server.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => {
      server.once('exit', resolve);
      server.kill('SIGTERM');
    });
    delete process.env['REDIS_TLS_CA_FILE'];
    rmSync(dir, { recursive: true, force: true });
  });

  // A client with no password: what any process that found the port could send.
  const rawTls = (p: number, command: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ port: p, host: '127.0.0.1', ca: readFileSync(ca()) }, () =>
        socket.write(`${command}\r\n`),
      );
      socket.once('data', (reply) => {
        socket.destroy();
        resolve(reply.toString().split('\r\n')[0]!);
      });
      socket.once('error', reject);
    });

  const tryPing = async (url: string) => {
    const redis = openRedis(url, opts);
    // ioredis rejects with "Connection is closed"; the cause is in its error event.
    const errors: Error[] = [];
    redis.on('error', (err: Error) => errors.push(err));
    try {
      await redis.connect();
      return await redis.ping();
    } catch (err) {
      throw errors[0] ?? err;
    } finally {
      redis.disconnect();
    }
  };

  it('connects over rediss:// with the user, password and a private CA from REDIS_TLS_CA_FILE', async () => {
    process.env['REDIS_TLS_CA_FILE'] = ca();
    expect(await tryPing(`rediss://nightshift:tls-pw@127.0.0.1:${port}`)).toBe('PONG');
  });

  it('is refused without the password, with a wrong one, or when the certificate is not trusted', async () => {
    process.env['REDIS_TLS_CA_FILE'] = ca();
    expect(await rawTls(port, 'PING')).toMatch(/^-NOAUTH/);
    expect(await rawTls(port, 'AUTH nightshift wrong')).toMatch(/^-WRONGPASS/);
    delete process.env['REDIS_TLS_CA_FILE'];
    await expect(tryPing(`rediss://nightshift:tls-pw@127.0.0.1:${port}`)).rejects.toThrow(/self.signed|certificate/i);
  });
});
