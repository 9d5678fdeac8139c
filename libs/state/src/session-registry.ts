import type { Redis } from 'ioredis';

import { KEY } from './keys';
import { runRecordKey } from './run-store';

const REFRESH = `if redis.call('hexists', KEYS[1], ARGV[1]) == 1 then redis.call('hset', KEYS[1], ARGV[1], ARGV[2]) return 1 else return 0 end`;

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
  /**
   * The runner's PID namespace (see pidNamespace). A reaper in another one (its own container beside the
   * runners' in a compose deployment) cannot check the pid, and judges the runner by its heartbeat instead.
   */
  runnerPidNs?: string;
  /** Process group of the agent (its leader's pid), written right after spawn. */
  agentPgid?: number;
  /** /proc start time of the agent's group leader. */
  agentStartTime?: string;
  /**
   * Random per execution, in the agent's environment after the key (see agentEnvValue): two Nightshift
   * installs on one machine can have the same run ids, and neither may take the other's agents for its own.
   */
  agentTag?: string;
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

/**
 * What the agent's NIGHTSHIFT_SESSION holds, and what the reaper and the fence look for: `<key>#<tag>`, or the
 * bare key for a session registered before tags (its agents carry the bare key).
 */
export const agentEnvValue = (session: Pick<LiveSession, 'runId' | 'execution' | 'agentTag'>): string =>
  session.agentTag ? `${sessionKey(session)}#${session.agentTag}` : sessionKey(session);

/** Registry of running sessions (one hash field per execution), so a reaper on any host can find stale ones. */
export class SessionRegistry {
  constructor(private readonly redis: Redis) {}

  async put(session: LiveSession): Promise<void> {
    await this.redis.hset(KEY.sessions, sessionKey(session), JSON.stringify(session));
  }

  /**
   * Rewrites the entry only if it is still there; false when it is gone. An entry is removed only when its
   * execution was reaped or fenced by a newer one: a heartbeat must not bring it back.
   */
  async refresh(session: LiveSession): Promise<boolean> {
    return (await this.redis.eval(REFRESH, 1, KEY.sessions, sessionKey(session), JSON.stringify(session))) === 1;
  }

  /** Whether the entry `key` is still registered. */
  async has(key: string): Promise<boolean> {
    return (await this.redis.hexists(KEY.sessions, key)) === 1;
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
