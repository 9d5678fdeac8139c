import type { TrackerTicket } from '../tracker';

const MAX_ENTRIES = 10_000;
const CLOSED_TYPES = new Set(['completed', 'canceled']);

export function isOpenStateType(type: string): boolean {
  return !CLOSED_TYPES.has(type);
}

interface Entry {
  ticket: TrackerTicket;
  fetchedAt: number;
  /** Blocker key → Linear id, to re-read the states of open blockers by id. */
  blockerIds: Map<string, string>;
}

/**
 * Candidates as last read in full, by key. A poll reads only keys and `updatedAt` stamps (cheap),
 * and reads in full only the candidates that are new, changed, or older than `refreshMs` — the
 * refresh catches changes that do not touch `updatedAt` (a relation added elsewhere).
 */
export class CandidateCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly refreshMs: number) {}

  /** True when the cached copy of `key` is the one Linear has now. */
  isCurrent(key: string, updatedAt: string, now: number): boolean {
    const e = this.entries.get(key);
    return e !== undefined && e.ticket.updatedAt === updatedAt && now - e.fetchedAt < this.refreshMs;
  }

  put(ticket: TrackerTicket, blockerIds: Map<string, string>, now: number): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(ticket.key, { ticket, fetchedAt: now, blockerIds });
  }

  get(key: string): TrackerTicket | undefined {
    return this.entries.get(key)?.ticket;
  }

  /** Ids of the still-open blockers of the given candidates (their states change without touching the blocked issue). */
  openBlockerIds(keys: string[]): string[] {
    const ids = new Set<string>();
    for (const key of keys) {
      const e = this.entries.get(key);
      for (const b of e?.ticket.blockedBy ?? [])
        if (b.open && e!.blockerIds.has(b.key)) ids.add(e!.blockerIds.get(b.key)!);
    }
    return [...ids];
  }

  /** Applies fresh blocker states (id → state name and type) to every cached candidate they block. */
  updateBlockers(states: Map<string, { name: string; type: string }>): void {
    for (const e of this.entries.values()) {
      if (!e.ticket.blockedBy) continue;
      e.ticket = {
        ...e.ticket,
        blockedBy: e.ticket.blockedBy.map((b) => {
          const s = states.get(e.blockerIds.get(b.key) ?? '');
          return s ? { key: b.key, state: s.name, open: isOpenStateType(s.type) } : b;
        }),
      };
    }
  }
}
