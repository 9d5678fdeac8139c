import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { type NightshiftConfig, parseConfig } from '@nightshift/config';
import type { WorktreeJob, WorktreeResult } from '@nightshift/contracts';
import { makeBareRemote, runGit } from '@nightshift/git';
import { createLogger } from '@nightshift/service-shell';
import { EventLog, SessionRegistry, type StoredEvent } from '@nightshift/state';
import { useTestRedis } from '@nightshift/testing-fakes';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';

import { createWorktreeService, type WorktreeService } from '../worktree-service';

export const HOST = 'linux-1';

/** Test-only: one service over a fresh remote and root, with a movable clock and captured logs. */
export interface WorktreeTestEnv {
  tmp: string;
  remote: string;
  root: string;
  config: NightshiftConfig;
  service: WorktreeService;
  redis: Redis;
  registry: Registry;
  events: EventLog;
  sessions: SessionRegistry;
  logs: Array<Record<string, unknown>>;
  /** Moves the service's clock forward (liveness and ownership stamps), instead of sleeping. */
  advance(ms: number): void;
  now(): number;
  create(key: string, runId: string, branch?: string): Promise<WorktreeResult>;
  remove(key: string, runId: string, branch?: string): Promise<WorktreeResult>;
  /** Registers `runId` as a live session heartbeating at the service's current time (minus `agoMs`). */
  heartbeat(runId: string, agoMs?: number): Promise<void>;
  /** Polls the event stream until `type` appears (timeout: fails). */
  waitForEvent(type: string, timeoutMs?: number): Promise<StoredEvent>;
  close(): Promise<void>;
}

/** Settings a test may set: repo hooks, worktrees.*, hooks.timeoutSec, and the service's polling. */
export interface TestEnvOptions {
  repoHooks?: Record<string, string[]>;
  worktrees?: Record<string, unknown>;
  hookTimeoutSec?: number;
  diskPollMs?: number;
  maxWaitingForDisk?: number;
  /** Prepares the root (e.g. fills it) before the service is built; gets the remote and the root. */
  prepare?: (remote: string, root: string) => Promise<Record<string, unknown> | void>;
}

/** Builds a worktree-manager service (no BullMQ worker: jobs go straight to its handlers) on `redisUrl`. */
export async function startWorktreeTestEnv(redisUrl: string, opts: TestEnvOptions = {}): Promise<WorktreeTestEnv> {
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ns-wtm-')));
  const remote = await makeBareRemote(path.join(tmp, 'remote.git'), {
    'README.md': '# web\n',
    'src/app.ts': 'export {};\n',
  });
  const root = path.join(tmp, 'root');
  const extra = (await opts.prepare?.(remote, root)) ?? {};
  const file = path.join(tmp, 'nightshift.yaml');
  const config = parseConfig(
    JSON.stringify({
      dataDir: 'data',
      repos: [{ name: 'web', remote, hooks: opts.repoHooks ?? {} }],
      hosts: [{ name: HOST }],
      hooks: { timeoutSec: opts.hookTimeoutSec ?? 20 },
      worktrees: { root, ...opts.worktrees, ...extra },
    }),
    file,
  );
  const redis = new Redis(redisUrl);
  await redis.flushall();
  const registry = new Registry();
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger('worktree-manager', 'debug', {
    write: (line: string) => {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  let offset = 0;
  const now = () => Date.now() + offset;
  const service = createWorktreeService({
    config,
    host: HOST,
    redis,
    registry,
    logger,
    now,
    diskPollMs: opts.diskPollMs ?? 50,
    diskCacheMs: 0,
    maxWaitingForDisk: opts.maxWaitingForDisk,
  });
  const events = new EventLog(redis);
  const sessions = new SessionRegistry(redis);
  const job = (name: string, data: WorktreeJob) =>
    service.handlers[name as keyof typeof service.handlers]({ name, data });
  const data = (key: string, runId: string, branch?: string): WorktreeJob => ({
    repo: 'web',
    branch: branch ?? `agent/${key}`,
    worktreeKey: key,
    runId,
  });
  return {
    tmp,
    remote,
    root,
    config,
    service,
    redis,
    registry,
    events,
    sessions,
    logs,
    advance: (ms) => {
      offset += ms;
    },
    now,
    create: (key, runId, branch) => job('worktree.create', data(key, runId, branch)),
    remove: (key, runId, branch) => job('worktree.remove', data(key, runId, branch)),
    heartbeat: (runId, agoMs = 0) =>
      sessions.put({
        runId,
        host: HOST,
        runnerPid: process.pid,
        tickets: [runId],
        heartbeatAt: new Date(now() - agoMs).toISOString(),
      }),
    waitForEvent: async (type, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await events.read()).find((e) => e.type === type);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no ${type} event within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: async () => {
      await service.close();
      redis.disconnect();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/**
 * For a spec file: its own redis-server (kept across tests), and a `start` that opens a test env
 * closed after each test.
 */
export function useWorktreeTestEnvs(): {
  start(opts?: TestEnvOptions): Promise<WorktreeTestEnv>;
  readonly redisUrl: string;
} {
  const server = useTestRedis({ flush: false });
  let env: WorktreeTestEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });
  return {
    start: async (opts: TestEnvOptions = {}) => (env = await startWorktreeTestEnv(server.url, opts)),
    get redisUrl() {
      return server.url;
    },
  };
}

/** `git worktree list --porcelain` of the test repo's mirror: what git itself has registered. */
export async function registeredWorktrees(e: WorktreeTestEnv): Promise<string> {
  return (
    await runGit(['worktree', 'list', '--porcelain'], { cwd: path.join(e.service.store.root, 'mirrors', 'web.git') })
  ).stdout;
}
