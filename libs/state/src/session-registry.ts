import type { Redis } from 'ioredis';
import { KEY } from './keys';

/** A live agent session as the reaper sees it: which host, which process group, last sign of life. */
export interface LiveSession {
  runId: string;
  host: string;
  runnerPid: number;
  agentPgid?: number;
  worktreePath?: string;
  tickets: string[];
  heartbeatAt: string;
}

/** Registry of running sessions (one hash field per run), so a reaper on any host can find stale ones. */
export class SessionRegistry {
  constructor(private readonly redis: Redis) {}

  async put(session: LiveSession): Promise<void> {
    await this.redis.hset(KEY.sessions, session.runId, JSON.stringify(session));
  }

  async remove(runId: string): Promise<void> {
    await this.redis.hdel(KEY.sessions, runId);
  }

  async list(): Promise<LiveSession[]> {
    const all = await this.redis.hgetall(KEY.sessions);
    return Object.values(all).map((raw) => JSON.parse(raw) as LiveSession);
  }
}
