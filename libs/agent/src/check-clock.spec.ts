import { CheckClock, checkClock, type CheckMember } from './check-clock';
import type { ProcessCpu, ProcessTableReader } from './process-cpu';

const TABLE: ProcessCpu[] = [
  { pid: 10, ppid: 1, pgid: 10, cpuMs: 100 },
  { pid: 11, ppid: 10, pgid: 10, cpuMs: 20 },
  { pid: 12, ppid: 11, pgid: 12, cpuMs: 5 }, // left the group, still a descendant
  { pid: 20, ppid: 1, pgid: 20, cpuMs: 7 },
];

/** A reader that counts its reads and lets a test wait for the nth one. */
function countingReader() {
  let reads = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const read: ProcessTableReader = async () => {
    reads++;
    for (const w of waiters.filter((w) => reads >= w.n)) w.resolve();
    return TABLE;
  };
  const readsReach = (n: number) =>
    new Promise<void>((resolve) => (reads >= n ? resolve() : waiters.push({ n, resolve })));
  return { read, readsReach, reads: () => reads };
}

/** Resolves on a member's nth call. */
function member(calls: number) {
  const seen: Array<number[] | null> = [];
  let done!: () => void;
  const reached = new Promise<void>((resolve) => (done = resolve));
  const fn: CheckMember = (index) => {
    seen.push(
      index &&
        index
          .groupAndDescendants(10)
          .map((p) => p.pid)
          .sort(),
    );
    if (seen.length === calls) done();
  };
  return { fn, seen, reached };
}

describe('CheckClock', () => {
  it('reads the table once per tick for every member, each seeing its group and descendants', async () => {
    const reader = countingReader();
    const clock = new CheckClock(20, reader.read);
    const a = member(3);
    const b = member(3);
    clock.join(a.fn);
    clock.join(b.fn);
    await Promise.all([a.reached, b.reached]);
    clock.leave(a.fn);
    clock.leave(b.fn);
    expect(reader.reads()).toBeLessThanOrEqual(Math.max(a.seen.length, b.seen.length));
    expect(a.seen[0]).toEqual([10, 11, 12]);
  });

  it('stops its timer once the last member leaves, and starts again on the next join', async () => {
    const reader = countingReader();
    const clock = new CheckClock(10, reader.read);
    const first = member(2);
    clock.join(first.fn);
    await first.reached;
    clock.leave(first.fn);
    expect(clock.size).toBe(0);
    const readsAtLeave = reader.reads();
    const second = member(1);
    clock.join(second.fn);
    await second.reached;
    clock.leave(second.fn);
    expect(reader.reads()).toBe(readsAtLeave + 1);
    expect(first.seen).toHaveLength(2); // never called after it left
  });

  it('passes null when the table cannot be read, and one failing member does not starve the others', async () => {
    const clock = new CheckClock(10, () => Promise.reject(new Error('no /proc')));
    const after = member(2);
    const failing: CheckMember = () => {
      throw new Error('boom');
    };
    clock.join(failing);
    clock.join(after.fn);
    await after.reached;
    clock.leave(failing);
    clock.leave(after.fn);
    expect(after.seen).toEqual([null, null]);
  });

  it('keeps ticking behind a read that never ends: members get null after the deadline, the next tick reads again', async () => {
    let reads = 0;
    // The first read hangs for good (a `ps` stuck on a process); the later ones answer.
    const read: ProcessTableReader = () => (++reads === 1 ? new Promise(() => undefined) : Promise.resolve(TABLE));
    const clock = new CheckClock(10, read, 30);
    const m = member(3);
    clock.join(m.fn);
    await m.reached;
    clock.leave(m.fn);
    expect(m.seen.slice(0, 2)).toEqual([null, [10, 11, 12]]);
  });

  it('is shared per interval and reader', () => {
    const { read } = countingReader();
    expect(checkClock(5000, read)).toBe(checkClock(5000, read));
    expect(checkClock(5000, read)).not.toBe(checkClock(250, read));
    expect(checkClock(5000)).not.toBe(checkClock(5000, read));
  });
});
