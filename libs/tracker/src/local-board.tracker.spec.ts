import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { BoardCorruptError, BoardLockError, TicketNotFoundError } from './errors';
import { LocalBoard } from './local-board.tracker';
import { DEFAULT_WORKFLOW_STATES } from './workflow-states';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-board-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const boardDir = () => path.join(dir, 'board');
const board = (extra: Partial<ConstructorParameters<typeof LocalBoard>[0]> = {}) =>
  new LocalBoard({ dir: boardDir(), ...extra });

/** Resolves on the board's next change signal; rejects if none comes in time (no sleeping). */
function nextChange(b: LocalBoard, timeoutMs = 3000): { fired: Promise<void>; stop: () => void } {
  let stop = () => {};
  const fired = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`watch did not fire within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = b.watch(() => {
      stop();
      resolve();
    }, reject);
    stop = () => {
      clearTimeout(timer);
      unsubscribe();
    };
  });
  return { fired, stop };
}

describe('LocalBoard', () => {
  it('keeps a ticket blocked by an unfinished one out of the queue listing until the blocker is Done', async () => {
    const b = board({ closedStates: ['Done'] });
    const blocker = await b.add({ title: 'schema first' });
    const blocked = await b.add({ title: 'then the endpoint', blockedBy: [blocker.key], priority: 1 });
    expect((await b.listByStates(['Agent Queue'])).map((t) => t.key)).toEqual([blocker.key]);
    expect(await b.getTicket(blocked.key)).toMatchObject({
      blockedBy: [{ key: blocker.key, state: 'Agent Queue', open: true }],
    });
    await b.moveTo(blocker.key, 'In Review');
    expect((await b.listByStates(['Agent Queue'])).map((t) => t.key)).toEqual([]);
    // A move of the blocked ticket keeps its blocker keys (the stored form, not the resolved one).
    await b.comment(blocked.key, 'still waiting');
    await b.moveTo(blocker.key, 'Done');
    expect((await b.listByStates(['Agent Queue'])).map((t) => t.key)).toEqual([blocked.key]);
    expect((await b.getTicket(blocked.key))!.comments).toHaveLength(1);
    expect(await b.getTicket(blocked.key)).toMatchObject({
      blockedBy: [{ key: blocker.key, state: 'Done', open: false }],
    });
    await expect(b.add({ title: 'x', blockedBy: ['NS-99'] })).rejects.toThrow(/NS-99/);
  });

  it('round-trips add, get, list, move and comment', async () => {
    const b = board();
    const t = await b.add({ title: '  Fix login ', description: 'it breaks', labels: ['Backend', ' backend ', 'UI'] });
    expect(t).toMatchObject({
      key: 'NS-1',
      title: 'Fix login',
      description: 'it breaks',
      state: 'Agent Queue',
      labels: ['backend', 'ui'],
      priority: 0,
      url: 'local://board/NS-1',
      comments: [],
    });
    await b.add({ title: 'second', state: 'Backlog', priority: 2 });
    await b.moveTo('NS-1', 'In Progress');
    await b.comment('NS-1', 'claimed by host-a');

    const got = await b.getTicket('NS-1');
    expect(got?.state).toBe('In Progress');
    expect(got?.comments).toEqual([{ author: 'nightshift', body: 'claimed by host-a', createdAt: expect.any(String) }]);
    expect(got!.updatedAt >= t.updatedAt).toBe(true);
    expect((await b.list()).map((x) => [x.key, x.state])).toEqual([
      ['NS-1', 'In Progress'],
      ['NS-2', 'Backlog'],
    ]);
    expect(await b.getTicket('NS-99')).toBeNull();
    // No temp files or lock directories left among the tickets.
    expect(fs.readdirSync(path.join(boardDir(), 'tickets')).sort()).toEqual(['NS-1.json', 'NS-2.json']);
  });

  it('edits a title or description as a person would, keeping the rest; an unknown key is an error', async () => {
    const b = board();
    const t = await b.add({ title: 'old', description: 'old body', labels: ['x'] });
    await b.edit(t.key, { description: 'new body' });
    expect(await b.getTicket(t.key)).toMatchObject({
      title: 'old',
      description: 'new body',
      labels: ['x'],
      state: t.state,
    });
    await b.edit(t.key, { title: 'new' });
    expect((await b.getTicket(t.key))!.title).toBe('new');
    await expect(b.edit('NS-999', { title: 'x' })).rejects.toBeInstanceOf(TicketNotFoundError);
  });

  it('uses the key prefix and default state it is given', async () => {
    const t = await board({ keyPrefix: 'WEB', defaultState: 'Todo' }).add({ title: 'x' });
    expect(t).toMatchObject({ key: 'WEB-1', state: 'Todo' });
    expect(() => board({ keyPrefix: '../x' })).toThrow(TypeError);
  });

  it('rejects a bad title or priority', async () => {
    await expect(board().add({ title: '  ' })).rejects.toThrow(TypeError);
    await expect(board().add({ title: 'x', priority: -1 })).rejects.toThrow(RangeError);
    await expect(board().add({ title: 'x', priority: 1.5 })).rejects.toThrow(RangeError);
  });

  it('treats a move to the current state as a no-op that writes nothing', async () => {
    const b = board();
    await b.add({ title: 'x' });
    const file = path.join(boardDir(), 'tickets', 'NS-1.json');
    const before = fs.statSync(file).ino;
    await b.moveTo('NS-1', 'Agent Queue');
    expect(fs.statSync(file).ino).toBe(before);
    await b.moveTo('NS-1', 'Done');
    expect(fs.statSync(file).ino).not.toBe(before);
  });

  it('is durable: a new board over the same directory sees everything', async () => {
    const a = board();
    await a.add({ title: 'one', labels: ['api'], priority: 3 });
    await a.add({ title: 'two' });
    await a.moveTo('NS-2', 'In Review');
    await a.comment('NS-2', 'PR opened');
    const fresh = board();
    expect(await fresh.list()).toEqual(await a.list());
    expect((await fresh.add({ title: 'three' })).key).toBe('NS-3');
  });

  it('gives 50 concurrent adds from two instances 50 distinct keys', async () => {
    const a = board();
    const b = board();
    const added = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).add({ title: `t${i}` })));
    const keys = new Set(added.map((t) => t.key));
    expect(keys.size).toBe(50);
    expect((await board().list()).map((t) => t.key)).toEqual(Array.from({ length: 50 }, (_, i) => `NS-${i + 1}`));
  });

  it('keeps all 20 concurrent comments on one ticket from two instances', async () => {
    const a = board();
    const b = board();
    await a.add({ title: 'busy' });
    const bodies = Array.from({ length: 20 }, (_, i) => `comment ${i}`);
    await Promise.all(bodies.map((body, i) => (i % 2 ? a : b).comment('NS-1', body)));
    const comments = (await board().getTicket('NS-1'))!.comments.map((c) => c.body);
    expect(comments.sort()).toEqual([...bodies].sort());
  });

  it('lists by states in dispatch order: priority 1 first, none (0) last, then oldest first', async () => {
    const b = board();
    for (const [title, priority] of [
      ['none-a', 0],
      ['p3', 3],
      ['p1-a', 1],
      ['none-b', 0],
      ['p2', 2],
      ['p1-b', 1],
    ] as const) {
      await b.add({ title, priority });
    }
    await b.add({ title: 'elsewhere', priority: 1, state: 'Backlog' });
    await b.add({ title: 'retry', priority: 4, state: 'Retry Queue' });
    const order = (await b.listByStates(['Agent Queue', 'Retry Queue'])).map((t) => t.title);
    expect(order).toEqual(['p1-a', 'p1-b', 'p2', 'p3', 'retry', 'none-a', 'none-b']);
    expect(await b.listByStates(['Nowhere'])).toEqual([]);
  });

  it('never lets an unsafe key reach a path outside tickets/', async () => {
    const b = board();
    await b.add({ title: 'x' });
    // A valid-looking ticket file right outside tickets/, which a naive path join would reach.
    const outside = path.join(boardDir(), 'outside.json');
    const content = JSON.stringify({ ...(await b.getTicket('NS-1')), key: '../outside' });
    fs.writeFileSync(outside, content);
    for (const key of ['../outside', '../../etc/passwd', 'NS-1/../NS-1', '', 'NS 1', '.']) {
      expect(await b.getTicket(key)).toBeNull();
      await expect(b.moveTo(key, 'Done')).rejects.toThrow(TicketNotFoundError);
      await expect(b.comment(key, 'hi')).rejects.toThrow(TicketNotFoundError);
    }
    expect(fs.readFileSync(outside, 'utf8')).toBe(content);
    await expect(b.moveTo('NS-7', 'Done')).rejects.toThrow(/NS-7/);
  });

  it('raises BoardCorruptError naming a corrupt ticket file, and leaves the file alone', async () => {
    const b = board();
    await b.add({ title: 'x' });
    const file = path.join(boardDir(), 'tickets', 'NS-1.json');
    fs.writeFileSync(file, '{"key": "NS-1", "title": ');
    for (const op of [
      () => b.getTicket('NS-1'),
      () => b.list(),
      () => b.moveTo('NS-1', 'Done'),
      () => b.comment('NS-1', 'x'),
    ]) {
      const err = await op().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(BoardCorruptError);
      expect((err as Error).message).toContain(file);
      expect((err as Error).message).toMatch(/restore|fix/);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('{"key": "NS-1", "title": ');
  });

  it('raises BoardCorruptError for valid JSON that is not a ticket', async () => {
    const b = board();
    await b.add({ title: 'x' });
    fs.writeFileSync(path.join(boardDir(), 'tickets', 'NS-1.json'), JSON.stringify({ key: 'NS-1', title: 3 }));
    await expect(b.getTicket('NS-1')).rejects.toThrow(BoardCorruptError);
  });

  it('refuses to add over a corrupt counter, naming it', async () => {
    const b = board();
    await b.add({ title: 'x' });
    const counter = path.join(boardDir(), 'counter.json');
    fs.writeFileSync(counter, 'garbage');
    await expect(b.add({ title: 'y' })).rejects.toThrow(BoardCorruptError);
    await expect(b.add({ title: 'y' })).rejects.toThrow(counter);
  });

  it('never reissues a key when the counter is missing or behind', async () => {
    const b = board();
    await b.add({ title: 'x' });
    await b.add({ title: 'y' });
    const counter = path.join(boardDir(), 'counter.json');
    fs.rmSync(counter);
    expect((await b.add({ title: 'z' })).key).toBe('NS-3');
    fs.writeFileSync(counter, JSON.stringify({ next: 1 }));
    expect((await b.add({ title: 'w' })).key).toBe('NS-4');
  });

  it('takes over a stale lock left by a crashed process', async () => {
    const lockDir = path.join(boardDir(), 'locks', 'board.lock');
    fs.mkdirSync(lockDir, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lockDir, old, old);
    const t = await board({ lock: { staleMs: 2000, maxWaitMs: 5000 } }).add({ title: 'x' });
    expect(t.key).toBe('NS-1');
    expect(fs.existsSync(lockDir)).toBe(false);
  });

  it('gives up on a live lock with BoardLockError naming it', async () => {
    const lockDir = path.join(boardDir(), 'locks', 'board.lock');
    fs.mkdirSync(lockDir, { recursive: true });
    const err = await board({ lock: { staleMs: 2000, maxWaitMs: 200 } })
      .add({ title: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BoardLockError);
    expect((err as BoardLockError).failure).toBe('timeout');
    expect((err as Error).message).toContain(lockDir);
    expect(fs.existsSync(path.join(boardDir(), 'tickets', 'NS-1.json'))).toBe(false);
  });

  it('fires watch when another instance adds a ticket', async () => {
    const watcher = board();
    const { fired, stop } = nextChange(watcher);
    try {
      await board().add({ title: 'from elsewhere' });
      await fired;
    } finally {
      stop();
    }
  });

  it('fires watch when another instance moves a ticket', async () => {
    await board().add({ title: 'x' });
    const { fired, stop } = nextChange(board());
    try {
      await board().moveTo('NS-1', 'In Progress');
      await fired;
    } finally {
      stop();
    }
  });

  it('exports the default workflow states, frozen', () => {
    expect(DEFAULT_WORKFLOW_STATES).toEqual({
      queue: ['Agent Queue'],
      inProgress: 'In Progress',
      inReview: 'In Review',
      done: 'Done',
      needsHuman: 'Needs Human',
    });
    expect(() => DEFAULT_WORKFLOW_STATES.queue.push('x')).toThrow(TypeError);
  });
});

describe('LocalBoard directories', () => {
  it('makes its directories again when the board directory was removed under it', async () => {
    const b = board();
    await b.add({ title: 'first' });
    fs.rmSync(boardDir(), { recursive: true, force: true });
    const again = await b.add({ title: 'second' });
    expect((await b.getTicket(again.key))?.title).toBe('second');
  });
});
