import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { NightshiftConfig } from '@nightshift/config';
import { assertAgentSettings } from '@nightshift/adapter-factories';
import { embeddedRedisUrlFile } from '@nightshift/service-shell';
import { RedisSupervisor } from '../redis-supervisor';
import { Supervisor, type ServiceSpec } from '../supervisor';

const SHARED_SERVICES = ['ticket-scanner', 'router', 'memory-consolidator', 'metrics-exporter'] as const;
const PER_HOST_SERVICES = ['worktree-manager', 'session-runner', 'zombie-reaper'] as const;

/** The entry file of a service app (its package's `main`). */
function entryOf(service: string): string {
  return require.resolve(`@nightshift/${service}`);
}

/**
 * Starts every service as a child process on this machine: the shared ones once, the per-host ones
 * for each configured host. Starts (and supervises) a Redis of its own unless one is configured.
 * Resolves when stopped by SIGINT/SIGTERM, after every child has exited.
 */
export async function up(config: NightshiftConfig, opts: { out?: (line: string) => void } = {}): Promise<void> {
  const out = opts.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  // Refused before anything starts, rather than a session-runner restarting forever on it.
  assertAgentSettings(config);
  mkdirSync(config.dataDir, { recursive: true });
  let embedded: RedisSupervisor | undefined;
  let redisUrl = process.env['REDIS_URL'] ?? config.redis.url ?? null;
  if (!redisUrl) {
    embedded = new RedisSupervisor(config.paths.redis, out);
    redisUrl = await embedded.start();
    writeFileSync(embeddedRedisUrlFile(config), `${redisUrl}\n`);
    out(`[up] started redis-server at ${redisUrl} (data in ${config.paths.redis})`);
  }
  const env = { ...process.env, REDIS_URL: redisUrl };
  const args = ['--config', config.file];
  const specs: ServiceSpec[] = SHARED_SERVICES.map((s) => ({ label: s, entry: entryOf(s), args, env }));
  config.hosts.forEach((host, i) => {
    for (const s of PER_HOST_SERVICES) {
      // Only the first host can have the configured ports on one machine; the others take free ones.
      const portEnv = i === 0 ? {} : { NIGHTSHIFT_HTTP_PORT: '0' };
      specs.push({ label: `${s}@${host.name}`, entry: entryOf(s), args, env: { ...env, ...portEnv, NIGHTSHIFT_HOST: host.name } });
    }
  });
  const supervisor = new Supervisor(specs, out);
  supervisor.start();
  out(`[up] ${specs.length} services starting; Ctrl-C stops them all`);
  const fatal = await new Promise<Error | undefined>((resolve) => {
    const stop = (signal: string) => {
      out(`[up] ${signal}: stopping every service`);
      resolve(undefined);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    void embedded?.failed.then((err) => {
      out(`[up] ${err.message}: stopping every service`);
      resolve(err);
    });
  });
  await supervisor.stop(Number(process.env['NIGHTSHIFT_GRACE_MS'] ?? 30_000) + 5000);
  if (embedded) {
    await embedded.stop();
    rmSync(embeddedRedisUrlFile(config), { force: true });
  }
  out('[up] stopped');
  if (fatal) throw fatal;
}
