import type { Redis } from 'ioredis';
import { KEY } from './keys';
import { runRecordKey } from './run-store';

/**
 * A live agent session as the reaper sees it: which host, which runner and agent process (pid plus
 * start time, so a reused pid is never mistaken for them), which job, until when, last sign of life.
 */
export interface LiveSession {
  runId: string;
  /** Which execution of the session job (1, then +1 per rerun); one entry per execution. */
  execution?: number;
  host: string;
  runnerPid: number;
  /** /proc start time of the runner process. */
  runnerStartTime?: string;
  /** Process group of the agent (its leader's pid), written right after spawn. */
  agentPgid?: number;
  /** /proc start time of the agent's group leader. */
  agentStartTime?: string;
  repo?: string;
  branch?: string;
  /** The BullMQ queue and job id of the session job, so the reaper can tell whether it is still active. */
  queue?: string;
  jobId?: string;
  worktreePath?: string;
  tickets: string[];
  /** ISO instant after which the session is overdue whatever its runner says. */
  deadline?: string;
  heartbeatAt: string;
}

/** The registry field of a session: its run id, with `~N` for the Nth execution (as its run record). */
export const sessionKey = (session: Pick<LiveSession, 'runId' | 'execution'>): string => runRecordKey(session);

/** Registry of running sessions (one hash field per execution), so a reaper on any host can find stale ones. */
export class SessionRegistry {
  constructor(private readonly redis: Redis) {}

  async put(session: LiveSession): Promise<void> {
    await this.redis.hset(KEY.sessions, sessionKey(session), JSON.stringify(session));
  }

  /** Removes the entry `key` (see `sessionKey`). */
  async remove(key: string): Promise<void> {
    await this.redis.hdel(KEY.sessions, key);
  }

  async list(): Promise<LiveSession[]> {
    const all = await this.redis.hgetall(KEY.sessions);
    return Object.values(all).map((raw) => JSON.parse(raw) as LiveSession);
  }
}
