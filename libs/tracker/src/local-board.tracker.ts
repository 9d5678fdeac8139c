import { existsSync, type FSWatcher, mkdirSync, watch as watchDir } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import * as path from 'node:path';

import type { Ticket } from '@nightshift/domain';
import {
  type FileLockTiming,
  KeyedMutex,
  type LockFailure,
  type LockLease,
  withFileLock,
  writeFileAtomic,
} from '@nightshift/file-store';

import { BoardCorruptError, BoardLockError, TicketNotFoundError } from './errors';
import { FileTextCache } from './file-text-cache';
import { compareDispatch, compareKeys, isSafeKey, normalizeLabels, readJson, splitKey, toTicket } from './ticket-file';
import { type Blocker, isBlocked, type Tracker, type TrackerTicket } from './tracker';

export interface LocalBoardOptions {
  /** Board directory; created on first write. Holds tickets/, locks/ and counter.json. */
  dir: string;
  /** Ticket keys are `<keyPrefix>-<n>`. Default 'NS'. */
  keyPrefix?: string;
  /** State of tickets added without one. Default 'Agent Queue'. */
  defaultState?: string;
  /** Author recorded on comments made through `comment`. Default 'nightshift'. */
  commentAuthor?: string;
  /** Lock staleness and patience; the defaults suit production, tests shorten them. */
  lock?: FileLockTiming;
  /** States in which a ticket no longer blocks others. Default ['Done']. */
  closedStates?: string[];
}

export interface NewTicket {
  title: string;
  description?: string;
  labels?: string[];
  state?: string;
  /** 1 (urgent) … 4 (low); 0 or absent = none, dispatched last. */
  priority?: number;
  /** Keys of tickets on this board that must be closed (Done) before this one is dispatched. */
  blockedBy?: string[];
}

const WATCH_DEBOUNCE_MS = 20;
const COUNTER_REMEDY =
  'delete it and the board recounts from the highest ticket key, or fix {"next": <number>} by hand';

/**
 * The embedded-default tracker: a board on disk, one JSON file per ticket so moves of different
 * tickets never contend, safe for several processes at once (file locks + atomic renames).
 */
export class LocalBoard implements Tracker {
  readonly kind = 'local';
  private readonly dir: string;
  private readonly ticketsDir: string;
  private readonly locksDir: string;
  private readonly counterFile: string;
  private readonly prefix: string;
  private readonly defaultState: string;
  private readonly author: string;
  private readonly timing: FileLockTiming;
  private readonly queue = new KeyedMutex();
  private readonly closedStates: Set<string>;
  private readonly files = new FileTextCache();

  constructor(opts: LocalBoardOptions) {
    this.dir = path.resolve(opts.dir);
    this.ticketsDir = path.join(this.dir, 'tickets');
    // Locks live outside tickets/ so taking one does not wake the watchers.
    this.locksDir = path.join(this.dir, 'locks');
    this.counterFile = path.join(this.dir, 'counter.json');
    this.prefix = opts.keyPrefix ?? 'NS';
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(this.prefix)) {
      throw new TypeError(
        `LocalBoard keyPrefix ${JSON.stringify(this.prefix)} is invalid: use letters, digits, '_' or '-'.`,
      );
    }
    this.defaultState = opts.defaultState ?? 'Agent Queue';
    this.author = opts.commentAuthor ?? 'nightshift';
    this.timing = opts.lock ?? {};
    this.closedStates = new Set(opts.closedStates ?? ['Done']);
  }

  /** Creates a ticket with the next free key. */
  async add(input: NewTicket): Promise<Ticket> {
    const title = input.title?.trim();
    if (!title) throw new TypeError('LocalBoard.add: a ticket needs a non-empty title.');
    const priority = input.priority ?? 0;
    if (!Number.isInteger(priority) || priority < 0) {
      throw new RangeError(`LocalBoard.add: priority must be an integer >= 0 (1 = urgent, 0 = none), got ${priority}.`);
    }
    const blockers = [...new Set(input.blockedBy ?? [])];
    await this.ensureDirs();
    for (const key of blockers) {
      if (!isSafeKey(key) || !(await this.getTicket(key))) throw new TicketNotFoundError(key, this.dir);
    }
    return this.locked('board', async (lease) => {
      const n = await this.nextNumber();
      const key = `${this.prefix}-${n}`;
      const now = new Date().toISOString();
      const ticket: Ticket = {
        key,
        title,
        description: input.description ?? '',
        state: input.state ?? this.defaultState,
        labels: normalizeLabels(input.labels),
        priority,
        createdAt: now,
        updatedAt: now,
        url: `local://board/${key}`,
        comments: [],
        ...(blockers.length > 0 ? { blockers } : {}),
      };
      // Counter first: a crash between the two writes skips a number instead of reusing one.
      await writeFileAtomic(this.counterFile, `${JSON.stringify({ next: n + 1 })}\n`, lease.assertHeld);
      await writeFileAtomic(this.ticketFile(key), serialize(ticket), lease.assertHeld);
      return ticket;
    });
  }

  /** Every ticket on the board, by key number. */
  async list(): Promise<Ticket[]> {
    const keys = await this.keys();
    this.files.retainOnly(new Set(keys.map((key) => this.ticketFile(key))));
    const tickets = await Promise.all(keys.map((key) => this.getTicket(key)));
    return tickets.filter((t): t is Ticket => t !== null).sort((a, b) => compareKeys(a.key, b.key));
  }

  /** Tickets in any of `states`, in dispatch order: priority 1 first, none (0) last, then oldest first. */
  async listByStates(states: string[]): Promise<Ticket[]> {
    const wanted = new Set(states);
    return (await this.list()).filter((t) => wanted.has(t.state) && !isBlocked(t)).sort(compareDispatch);
  }

  /** One ticket, or null for an unknown or unsafe key (an unsafe key never reaches the filesystem). */
  async getTicket(key: string): Promise<Ticket | null> {
    if (!isSafeKey(key)) return null;
    const file = this.ticketFile(key);
    const value = await readJson(file, undefined, this.files);
    return value === undefined ? null : this.withBlockers(toTicket(file, value, key));
  }

  /** The stored blocker keys resolved to their current states (a deleted blocker no longer blocks). */
  private async withBlockers(ticket: Ticket & { blockers?: string[] }): Promise<TrackerTicket> {
    const { blockers, ...rest } = ticket;
    if (!blockers?.length) return rest;
    const blockedBy: Blocker[] = [];
    for (const key of blockers) {
      const value = await readJson(this.ticketFile(key), undefined, this.files);
      if (value === undefined) continue;
      const state = toTicket(this.ticketFile(key), value, key).state;
      blockedBy.push({ key, state, open: !this.closedStates.has(state) });
    }
    return { ...rest, blockedBy };
  }

  /** Moves a ticket; moving it to its current state writes nothing. Throws TicketNotFoundError. */
  async moveTo(key: string, state: string): Promise<void> {
    await this.update(key, (ticket) => (ticket.state === state ? null : { ...ticket, state }));
  }

  /** Changes a ticket's title or description, as a person editing it would. Throws TicketNotFoundError. */
  async edit(key: string, change: { title?: string; description?: string; priority?: number }): Promise<void> {
    await this.update(key, (ticket) => ({
      ...ticket,
      ...(change.priority !== undefined ? { priority: change.priority } : {}),
      ...(change.title !== undefined ? { title: change.title } : {}),
      ...(change.description !== undefined ? { description: change.description } : {}),
    }));
  }

  /** Appends a comment by the configured author. Throws TicketNotFoundError. */
  async comment(key: string, body: string): Promise<void> {
    await this.update(key, (ticket) => ({
      ...ticket,
      comments: [...ticket.comments, { author: this.author, body, createdAt: new Date().toISOString() }],
    }));
  }

  /**
   * Calls `onChange` (debounced) whenever a ticket file is created or replaced, by this process or
   * any other: the board's webhook. Returns an unsubscribe. If the watch breaks (directory removed,
   * watch limit hit) it stops and reports to `onError`; callers still poll, so nothing is lost.
   */
  watch(onChange: () => void, onError?: (err: Error) => void): () => void {
    mkdirSync(this.ticketsDir, { recursive: true });
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    const stop = (): void => {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher.close();
    };
    const watcher: FSWatcher = watchDir(this.ticketsDir, (_event, filename) => {
      // Temp files (`.X.json.<pid>.tmp`) are noise; their rename to X.json is the real event.
      if (closed || (filename && !filename.toString().endsWith('.json'))) return;
      // Not reset on each event: a steady stream of writes must not postpone the signal forever.
      timer ??= setTimeout(() => {
        timer = undefined;
        if (!closed) onChange();
      }, WATCH_DEBOUNCE_MS);
    });
    watcher.on('error', (err: Error) => {
      stop();
      onError?.(err);
    });
    return stop;
  }

  private async update(key: string, change: (ticket: Ticket) => Ticket | null): Promise<void> {
    if (!isSafeKey(key)) throw new TicketNotFoundError(key, this.dir);
    await this.ensureDirs();
    await this.locked(`ticket-${key}`, async (lease) => {
      // The stored form (blocker keys), not the resolved one getTicket returns.
      const value = await readJson(this.ticketFile(key), undefined, this.files);
      if (value === undefined) throw new TicketNotFoundError(key, this.dir);
      const current = toTicket(this.ticketFile(key), value, key);
      const next = change(current);
      if (next === null) return;
      next.updatedAt = new Date().toISOString();
      await writeFileAtomic(this.ticketFile(key), serialize(next), lease.assertHeld);
    });
  }

  /** Reads the counter; when it is missing, recounts from the tickets so an old key is never reissued. */
  private async nextNumber(): Promise<number> {
    const value = await readJson(this.counterFile, COUNTER_REMEDY);
    const highest = Math.max(
      0,
      ...(await this.keys())
        .map((k) => splitKey(k))
        .filter((k) => k.prefix === this.prefix)
        .map((k) => k.n),
    );
    if (value === undefined) return highest + 1;
    const next = (value as { next?: unknown } | null)?.next;
    if (typeof next !== 'number' || !Number.isSafeInteger(next) || next < 1) {
      throw new BoardCorruptError(this.counterFile, 'expected {"next": <positive integer>}', COUNTER_REMEDY);
    }
    // Trust the higher of the two: a restored-from-backup counter must not hand out live keys again.
    return Math.max(next, highest + 1);
  }

  private async keys(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.ticketsDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names
      .filter((n) => n.endsWith('.json'))
      .map((n) => n.slice(0, -'.json'.length))
      .filter(isSafeKey);
  }

  private locked<T>(name: string, fn: (lease: LockLease) => Promise<T>): Promise<T> {
    const lockPath = path.join(this.locksDir, `${name}.lock`);
    const makeError = (p: string, failure: LockFailure, cause: unknown) => new BoardLockError(p, failure, { cause });
    return this.queue.run(name, () => withFileLock(lockPath, this.timing, makeError, fn));
  }

  /** Two stat calls on every write; the mkdirs (thread-pool round trips) only when a directory is missing. */
  private async ensureDirs(): Promise<void> {
    if (existsSync(this.ticketsDir) && existsSync(this.locksDir)) return;
    await mkdir(this.ticketsDir, { recursive: true });
    await mkdir(this.locksDir, { recursive: true });
  }

  private ticketFile(key: string): string {
    return path.join(this.ticketsDir, `${key}.json`);
  }
}

function serialize(ticket: Ticket): string {
  return `${JSON.stringify(ticket, null, 2)}\n`;
}
