import type { Redis } from 'ioredis';

/**
 * One hash per host: field `<repo>/<worktreeKey>` → which run owns that worktree and since when.
 * Wire format (live state): do not rename.
 */
export const worktreeOwnershipKey = (host: string): string => `nightshift:worktrees:${host}`;

/** Which run owns a worktree on a host. Written before `git worktree add` so no directory ever exists unowned. */
export interface WorktreeOwner {
  repo: string;
  worktreeKey: string;
  runId: string;
  /** ISO time the owner was (re)recorded; a fresh record keeps a worktree alive before its run registers. */
  createdAt: string;
  /** Set when the run left the worktree for a human (a blocked push): the sweeper and removals leave it alone until a new run records it. */
  keptFor?: string;
}

// Deletes the field only while it still names ARGV[1] as owner (and, when ARGV[3] is set, is still the record
// written at that time): a newer record for the same key survives.
const RELEASE = `
local raw = redis.call('hget', KEYS[1], ARGV[2])
if not raw then return 0 end
local ok, rec = pcall(cjson.decode, raw)
if not ok or type(rec) ~= 'table' or rec['runId'] ~= ARGV[1] then return 0 end
if ARGV[3] ~= '' and rec['createdAt'] ~= ARGV[3] then return 0 end
return redis.call('hdel', KEYS[1], ARGV[2])`;

// Marks the record kept only while it still names ARGV[1] as owner: a newer run's record is never marked.
const KEEP = `
local raw = redis.call('hget', KEYS[1], ARGV[2])
if not raw then return 0 end
local ok, rec = pcall(cjson.decode, raw)
if not ok or type(rec) ~= 'table' or rec['runId'] ~= ARGV[1] then return 0 end
rec['keptFor'] = ARGV[3]
redis.call('hset', KEYS[1], ARGV[2], cjson.encode(rec))
return 1`;

/**
 * Who owns each worktree of one host. The sweeper reads it to tell live worktrees from orphans; the
 * create path records before touching disk and the remove path releases only its own record.
 */
export class WorktreeOwnership {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    host: string,
  ) {
    this.key = worktreeOwnershipKey(host);
  }

  /** Records (or takes over) ownership of `repo/worktreeKey`; `createdAt` defaults to now. */
  async record(owner: Omit<WorktreeOwner, 'createdAt'> & { createdAt?: string }): Promise<WorktreeOwner> {
    const full: WorktreeOwner = { ...owner, createdAt: owner.createdAt ?? new Date().toISOString() };
    await this.redis.hset(this.key, fieldOf(full.repo, full.worktreeKey), JSON.stringify(full));
    return full;
  }

  /** The owner of `repo/worktreeKey`, or null when no run has recorded it (or the record is unreadable). */
  async get(repo: string, worktreeKey: string): Promise<WorktreeOwner | null> {
    return parse(await this.redis.hget(this.key, fieldOf(repo, worktreeKey)));
  }

  /** Every readable record of this host. */
  async list(): Promise<WorktreeOwner[]> {
    const all = await this.redis.hgetall(this.key);
    return Object.values(all)
      .map(parse)
      .filter((o): o is WorktreeOwner => o !== null);
  }

  /** Marks `runId`'s worktree as kept for a human (`reason` says why); true when `runId` still owned it. A new run's record() clears it. */
  async keep(repo: string, worktreeKey: string, runId: string, reason: string): Promise<boolean> {
    return (await this.redis.eval(KEEP, 1, this.key, runId, fieldOf(repo, worktreeKey), reason)) === 1;
  }

  /**
   * Deletes the record if `runId` still owns it (and, with `createdAt`, only that exact record: the sweeper
   * must not drop one the same run wrote again since it looked); true when deleted.
   */
  async release(repo: string, worktreeKey: string, runId: string, createdAt = ''): Promise<boolean> {
    return (await this.redis.eval(RELEASE, 1, this.key, runId, fieldOf(repo, worktreeKey), createdAt)) === 1;
  }
}

function fieldOf(repo: string, worktreeKey: string): string {
  return `${repo}/${worktreeKey}`;
}

function parse(raw: string | null): WorktreeOwner | null {
  if (raw === null) return null;
  try {
    const value = JSON.parse(raw) as Partial<WorktreeOwner>;
    const ok =
      typeof value.runId === 'string' &&
      typeof value.repo === 'string' &&
      typeof value.worktreeKey === 'string' &&
      typeof value.createdAt === 'string';
    return ok ? (value as WorktreeOwner) : null;
  } catch {
    return null;
  }
}
