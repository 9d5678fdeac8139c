import type { LiveSession, SessionRegistry, WorktreeOwner, WorktreeOwnership } from '@nightshift/state';

/** A worktree as the liveness rule sees it. */
export interface WorktreeRef {
  repo: string;
  worktreeKey: string;
  path: string;
}

/** The verdict on one worktree, with the reason a human reads in logs. */
export interface Liveness {
  live: boolean;
  reason: string;
}

/**
 * The rule that decides what the sweeper may remove. A worktree is live when its owning run is in the session
 * registry with a heartbeat fresher than the grace, or its ownership was recorded less than the grace ago
 * (the run is still starting), or a fresh session names its path. Everything else is an orphan, including a
 * directory nobody ever recorded (a process killed between `worktree add` and the record).
 */
export function judgeLiveness(input: {
  wt: WorktreeRef;
  owner: WorktreeOwner | null;
  sessions: LiveSession[];
  nowMs: number;
  graceMs: number;
}): Liveness {
  const { owner, nowMs, graceMs } = input;
  const fresh = (iso: string) => nowMs - Date.parse(iso) < graceMs;
  if (owner?.keptFor) return { live: true, reason: `kept for a human: ${owner.keptFor}` };
  const heartbeatOf = (s: LiveSession) => (Number.isNaN(Date.parse(s.heartbeatAt)) ? false : fresh(s.heartbeatAt));
  if (owner) {
    const session = input.sessions.find((s) => s.runId === owner.runId);
    if (session && heartbeatOf(session)) return { live: true, reason: `run ${owner.runId} is heartbeating` };
    if (fresh(owner.createdAt))
      return { live: true, reason: `recorded for run ${owner.runId} less than ${graceMs / 1000} s ago` };
  }
  // Belt and braces: a live session that names this path keeps it even if its ownership record was lost.
  const byPath = input.sessions.find((s) => s.worktreePath === input.wt.path && heartbeatOf(s));
  if (byPath) return { live: true, reason: `run ${byPath.runId} is heartbeating in it` };
  if (!owner) return { live: false, reason: 'no run ever recorded owning it' };
  const session = input.sessions.find((s) => s.runId === owner.runId);
  return {
    live: false,
    reason: session
      ? `run ${owner.runId} stopped heartbeating at ${session.heartbeatAt}`
      : `run ${owner.runId} is not a live session`,
  };
}

/** Reads ownership and sessions from Redis and applies judgeLiveness. */
export class WorktreeLiveness {
  constructor(
    private readonly ownership: WorktreeOwnership,
    private readonly sessions: SessionRegistry,
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Fresh verdict for one worktree (asked again under the repo lock right before a removal). */
  async check(wt: WorktreeRef): Promise<Liveness & { owner: WorktreeOwner | null }> {
    const [owner, sessions] = await Promise.all([this.ownership.get(wt.repo, wt.worktreeKey), this.sessions.list()]);
    return { ...judgeLiveness({ wt, owner, sessions, nowMs: this.now(), graceMs: this.graceMs }), owner };
  }

  /** Every owner and session at once, for classifying a whole host in one pass. */
  async snapshot(): Promise<{
    owners: WorktreeOwner[];
    judge: (wt: WorktreeRef) => Liveness & { owner: WorktreeOwner | null };
  }> {
    const [owners, sessions] = await Promise.all([this.ownership.list(), this.sessions.list()]);
    const byKey = new Map(owners.map((o) => [`${o.repo}/${o.worktreeKey}`, o]));
    const nowMs = this.now();
    return {
      owners,
      judge: (wt) => {
        const owner = byKey.get(`${wt.repo}/${wt.worktreeKey}`) ?? null;
        return { ...judgeLiveness({ wt, owner, sessions, nowMs, graceMs: this.graceMs }), owner };
      },
    };
  }
}
