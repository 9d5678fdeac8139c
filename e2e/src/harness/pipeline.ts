import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { openRedis } from '@nightshift/config';
import { LocalForge } from '@nightshift/forge';
import { makeBareRemote } from '@nightshift/git';
import { type EmbeddedRedis, startEmbeddedRedis } from '@nightshift/service-shell';
import { EventLog, RunStore, TicketCounters } from '@nightshift/state';
import { LocalBoard } from '@nightshift/tracker';
import type { Redis } from 'ioredis';

import { FAKE_AGENT, FAKE_AGENT_ENV, type ServiceName, ServiceProcess } from './service-process';

export interface PipelineOptions {
  repos: string[];
  /** Merged over the generated config: objects one level deep (e.g. `agent: { stallTimeoutSec: 2 }`), anything else replaces. */
  config?: Record<string, unknown>;
  /** Extra files committed to every remote repo. */
  files?: Record<string, string>;
  /** Extra environment for every service. */
  env?: NodeJS.ProcessEnv;
  /** The Redis every service and the pipeline's clients use instead of its own (a sentinel set, one a test stops). */
  redisUrl?: string;
}

/**
 * A whole Nightshift on one machine for a test: its own redis-server, bare git remotes, a local
 * board and forge in a temp dir, and the real service processes started on demand.
 */
export class Pipeline {
  readonly services: ServiceProcess[] = [];
  readonly board: LocalBoard;
  readonly forge: LocalForge;
  readonly redis: Redis;
  readonly events: EventLog;
  readonly runs: RunStore;
  readonly counters: TicketCounters;
  readonly argvLog: string;
  readonly worktreeRoot: string;

  private constructor(
    readonly dir: string,
    readonly configFile: string,
    private readonly server: EmbeddedRedis,
    private readonly env: NodeJS.ProcessEnv,
    redisUrl: string,
  ) {
    this.board = new LocalBoard({ dir: path.join(dir, 'data/board') });
    this.forge = new LocalForge({ dir: path.join(dir, 'data/forge') });
    this.redis = openRedis(redisUrl);
    // A test that stops or fails over Redis on purpose: the pipeline's own client just waits for it.
    this.redis.on('error', () => undefined);
    this.events = new EventLog(this.redis);
    this.runs = new RunStore(this.redis);
    this.counters = new TicketCounters(this.redis);
    this.argvLog = path.join(dir, 'agent-argv.jsonl');
    this.worktreeRoot = path.join(dir, 'data/worktrees');
  }

  static async start(opts: PipelineOptions): Promise<Pipeline> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-e2e-'));
    mkdirSync(path.join(dir, 'logs'), { recursive: true });
    for (const repo of opts.repos)
      await makeBareRemote(path.join(dir, 'remotes', `${repo}.git`), {
        'README.md': `# ${repo}\n`,
        'CLAUDE.md': `Rules of ${repo}.\n`,
        ...opts.files,
      });
    const config = {
      dataDir: 'data',
      tracker: { kind: 'local', scanIntervalSec: 2 },
      forge: { kind: 'local' },
      repos: opts.repos.map((name) => ({
        name,
        remote: `./remotes/${name}.git`,
        labels: [`${name}-label`],
        keywords: [`${name}kw`],
      })),
      hosts: [{ name: 'linux-1', capabilities: ['linux'], slots: 4 }],
      agent: {
        command: FAKE_AGENT,
        model: 'cheap-model',
        escalationModel: 'strong-model',
        sessionTimeoutMin: 1,
        // The agent sees only its allowlist: the fake's own settings are passed by name, as an operator would.
        env: { pass: FAKE_AGENT_ENV },
      },
      routing: { retryDelaySec: 1 },
      logLevel: 'info',
    };
    for (const [key, value] of Object.entries(opts.config ?? {})) {
      const current = (config as Record<string, unknown>)[key];
      const both = isPlainObject(current) && isPlainObject(value);
      (config as Record<string, unknown>)[key] = both ? { ...current, ...value } : value;
    }
    const configFile = path.join(dir, 'nightshift.yaml');
    writeFileSync(configFile, JSON.stringify(config, null, 2));
    const server = await startEmbeddedRedis({ dir: path.join(dir, 'redis'), persist: false });
    const pipeline = new Pipeline(dir, configFile, server, { ...opts.env }, opts.redisUrl ?? server.url);
    pipeline.env['REDIS_URL'] = opts.redisUrl ?? server.url;
    pipeline.env['FAKE_CLAUDE_ARGV_LOG'] = pipeline.argvLog;
    // The prompt travels on stdin, so the argv log does not have it: the fake agent keeps each one here.
    pipeline.env['FAKE_CLAUDE_PROMPT_LOG'] ??= path.join(dir, 'prompts');
    return pipeline;
  }

  /** Starts one service process; `env` adds to the pipeline's environment. */
  spawn(name: ServiceName, env: NodeJS.ProcessEnv = {}): ServiceProcess {
    const index = this.services.filter((s) => s.name === name).length;
    const service = new ServiceProcess(
      name,
      this.configFile,
      { ...this.env, ...env },
      path.join(this.dir, 'logs', `${name}-${index}.log`),
    );
    this.services.push(service);
    return service;
  }

  /** One of each service, or more scanners/routers for the race tests. */
  startAll(counts: Partial<Record<ServiceName, number>> = {}): ServiceProcess[] {
    const started: ServiceProcess[] = [];
    for (const name of ['worktree-manager', 'session-runner', 'router', 'ticket-scanner'] as const) {
      for (let i = 0; i < (counts[name] ?? 1); i++) started.push(this.spawn(name));
    }
    return started;
  }

  /** Every agent launch the fake CLI recorded: its argv, cwd and model. */
  agentLaunches(): Array<{ argv: string[]; cwd: string; model: string; pid: number; at: string }> {
    try {
      return readFileSync(this.argvLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { argv: string[]; cwd: string; model: string; pid: number; at: string })
        .filter((launch) => launch.argv[0] !== 'auth'); // pre-flight `auth status` checks are not sessions
    } catch {
      return [];
    }
  }

  /** Every prompt the fake agent received, oldest first, with the worktree it ran in. */
  receivedPrompts(): Array<{ cwd: string; prompt: string; via: string }> {
    const dir = this.env['FAKE_CLAUDE_PROMPT_LOG']!;
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .sort()
      .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { cwd: string; prompt: string; via: string });
  }

  /** All service output so far, for asserting on what reached the logs. */
  allOutput(): string {
    return this.services.flatMap((s) => s.output).join('\n');
  }

  get redisUrl(): string {
    return this.env['REDIS_URL']!;
  }

  async stop(): Promise<void> {
    await Promise.all(this.services.map((s) => s.stop()));
    this.redis.disconnect();
    await this.server.stop();
    if (!process.env['NIGHTSHIFT_KEEP_E2E']) rmSync(this.dir, { recursive: true, force: true });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Config for crash-path tests: a dead worker's job comes back in about 4 s, the board is scanned every second.
 * `extra` sections are added; its `routing` is merged over these settings.
 */
export function quickRecoveryConfig(extra: Record<string, Record<string, unknown>> = {}): Record<string, unknown> {
  return {
    ...extra,
    routing: { retryDelaySec: 1, jobLockSec: 3, stalledCheckSec: 1, ...extra['routing'] },
    tracker: { kind: 'local', scanIntervalSec: 1 },
  };
}
