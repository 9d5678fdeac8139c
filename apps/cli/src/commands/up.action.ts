import { chmodSync, rmSync, writeFileSync } from 'node:fs';

import { assertAgentSettings } from '@nightshift/adapter-factories';
import type { NightshiftConfig } from '@nightshift/config';
import { embeddedRedisUrlFile, makeDataDirPrivate } from '@nightshift/service-shell';

import { followTransitions } from '../follow-transitions';
import { warningsOnly } from '../format-log-line';
import { RedisSupervisor } from '../redis-supervisor';
import { type ServiceSpec, Supervisor } from '../supervisor';
import { refuseBrokenSetup } from './up-preflight';

const SHARED_SERVICES = ['ticket-scanner', 'router', 'memory-consolidator', 'metrics-exporter'] as const;
const PER_HOST_SERVICES = ['worktree-manager', 'session-runner', 'zombie-reaper'] as const;
// Runners remove their worktrees through the worktree-manager while they stop: it stops after them.
const STOPS_LAST = new Set<string>(['worktree-manager']);

/** The entry file of a service app (its package's `main`). */
function entryOf(service: string): string {
  return require.resolve(`@nightshift/${service}`);
}

/**
 * Starts every service as a child process on this machine: the shared ones once, the per-host ones
 * for each configured host. Starts (and supervises) a Redis of its own unless one is configured.
 * Resolves when stopped by SIGINT/SIGTERM, after every child has exited.
 */
export interface UpOptions {
  out?: (line: string) => void;
  /** `readable`: one line per transition plus the services' warnings; `json`: every service line as logged. */
  format?: 'readable' | 'json';
}

export async function up(config: NightshiftConfig, opts: UpOptions = {}): Promise<void> {
  const out = opts.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  // JSON for files and pipes (what log collectors read); for a person at a terminal, the transitions.
  const readable = (opts.format ?? (process.stdout.isTTY ? 'readable' : 'json')) === 'readable';
  // Refused before anything starts, rather than a session-runner restarting forever on it.
  for (const warning of assertAgentSettings(config)) out(`[up] WARNING: ${warning}`);
  await refuseBrokenSetup(config, out);
  makeDataDirPrivate(config);
  let embedded: RedisSupervisor | undefined;
  let redisUrl = process.env['REDIS_URL'] ?? config.redis.url ?? null;
  if (!redisUrl) {
    embedded = new RedisSupervisor(config.paths.redis, out);
    redisUrl = await embedded.start();
    // The URL carries the password: other commands of this user read it; nobody else can.
    writeFileSync(embeddedRedisUrlFile(config), `${redisUrl}\n`, { mode: 0o600 });
    chmodSync(embeddedRedisUrlFile(config), 0o600);
    out(`[up] started redis-server at ${embedded.safeUrl} (data in ${config.paths.redis})`);
  }
  const env = { ...process.env, REDIS_URL: redisUrl };
  const args = ['--config', config.file];
  const specs: ServiceSpec[] = SHARED_SERVICES.map((s) => ({ label: s, entry: entryOf(s), args, env }));
  config.hosts.forEach((host, i) => {
    for (const s of PER_HOST_SERVICES) {
      // Only the first host can have the configured ports on one machine; the others take free ones.
      const portEnv = i === 0 ? {} : { NIGHTSHIFT_HTTP_PORT: '0' };
      specs.push({
        label: `${s}@${host.name}`,
        entry: entryOf(s),
        args,
        env: { ...env, ...portEnv, NIGHTSHIFT_HOST: host.name },
        stopStage: STOPS_LAST.has(s) ? 1 : 0,
      });
    }
  });
  const supervisor = new Supervisor(specs, out, readable ? warningsOnly : undefined);
  supervisor.start();
  out(`[up] ${specs.length} services starting; Ctrl-C stops them all`);
  const transitions = readable ? followTransitions(redisUrl, out) : undefined;
  if (readable) out('[up] one line per transition below (time, ticket, what happened); --json for the raw logs');
  const fatal = await new Promise<Error | undefined>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      // The services live in their own process groups: a second Ctrl-C must not leave them orphaned.
      out(
        stopping
          ? `[up] ${signal}: already stopping; waiting for the services`
          : `[up] ${signal}: stopping every service`,
      );
      stopping = true;
      resolve(undefined);
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
    void embedded?.failed.then((err) => {
      stopping = true;
      out('[up] stopping every service: its Redis is gone');
      resolve(err);
    });
  });
  // Redis stops last and is never restarted meanwhile: the services record their last work in it.
  embedded?.holdRestarts();
  await transitions?.stop();
  await supervisor.stop(Number(process.env['NIGHTSHIFT_GRACE_MS'] ?? 30_000) + 5000);
  if (embedded) {
    await embedded.stop();
    rmSync(embeddedRedisUrlFile(config), { force: true });
  }
  out('[up] stopped');
  if (fatal) throw fatal;
}
