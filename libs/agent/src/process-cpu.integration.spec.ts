import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  groupAndDescendants,
  GroupCpuMeter,
  parseProcStat,
  parsePsTable,
  parsePsTime,
  ProcessIndex,
  type ProcessTableReader,
  readProcessTable,
  readPsTable,
} from './process-cpu';
import { signalGroup, waitForGroupGone } from './process-group';

jest.setTimeout(30_000);

const BURN = 'let x = 0; for (;;) x += Math.sqrt(x + 1);';
const IDLE = 'setInterval(() => {}, 1 << 30);';
const started: ChildProcess[] = [];

/** A node process in its own process group, running `script`; resolves once it runs (it prints "ready"). */
async function group(script: string): Promise<number> {
  const child = spawn(process.execPath, ['-e', `process.stdout.write('ready\\n'); ${script}`], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  started.push(child);
  await once(child.stdout!, 'data');
  return child.pid!;
}

/** Samples until the group has used `ms` of CPU; fails after `timeoutMs`. */
async function cpuReaches(meter: GroupCpuMeter, ms: number, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const used = await meter.sample();
    if (used !== null && used >= ms) return used;
    if (Date.now() > deadline) throw new Error(`the group used ${used} ms of CPU, not ${ms}, within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The pid of the child of `parent` that runs in a process group of its own. */
async function detachedChildOf(parent: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const child = (await readProcessTable())!.find((p) => p.ppid === parent && p.pgid === p.pid);
    if (child) return child.pid;
    if (Date.now() > deadline) throw new Error(`no detached child of ${parent} appeared`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

afterEach(async () => {
  for (const child of started.splice(0)) {
    signalGroup(child.pid!, 'SIGKILL');
    await waitForGroupGone(child.pid!, 5000);
  }
});

describe('GroupCpuMeter on real processes', () => {
  it('counts a busy group and not an idle one', async () => {
    const idle = await group(IDLE);
    const idleMeter = new GroupCpuMeter(idle);
    const before = (await idleMeter.sample())!;
    const busy = new GroupCpuMeter(await group(BURN));
    await busy.sample();
    await cpuReaches(busy, 300);
    // While the busy group burned 300 ms, the idle one used (almost) nothing.
    expect((await idleMeter.sample())! - before).toBeLessThan(50);
  });

  it('counts a descendant that left for its own process group, and never goes backwards when a member exits', async () => {
    const leader = await group(`
      const { spawn } = require('node:child_process');
      spawn(process.execPath, ['-e', ${JSON.stringify(BURN)}], { detached: true, stdio: 'ignore' });
      const short = spawn(process.execPath, ['-e', 'const end = Date.now() + 200; while (Date.now() < end);'], { stdio: 'ignore' });
      ${IDLE}`);
    // Registered for cleanup first: the detached burner would outlive the leader's group.
    const escaped = await detachedChildOf(leader);
    started.push({ pid: escaped } as ChildProcess);
    const meter = new GroupCpuMeter(leader);
    let last = 0;
    const deadline = Date.now() + 20_000;
    // More than the leader, its short child and their start-ups can use: only the escaped burner gets there.
    while (last < 1500) {
      const used = (await meter.sample())!;
      expect(used).toBeGreaterThanOrEqual(last);
      last = used;
      if (Date.now() > deadline) throw new Error(`only ${last} ms of CPU counted`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('reads the same groups through ps (the macOS path)', async () => {
    const meter = new GroupCpuMeter(await group(BURN), readPsTable);
    await meter.sample();
    await cpuReaches(meter, 1000); // procps prints whole seconds
  });

  it('reads this very process from the table with its parent and group, as ps does', async () => {
    const own = (await readProcessTable())!.find((p) => p.pid === process.pid);
    const ps = (await readPsTable())!.find((p) => p.pid === process.pid);
    expect(own).toMatchObject({ pid: process.pid, ppid: process.ppid, pgid: ps!.pgid });
    expect(own!.cpuMs).toBeGreaterThan(0);
  });

  it('kills a ps that hangs after its timeout and calls the table unreadable', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ns-hung-ps-'));
    writeFileSync(path.join(dir, 'ps'), '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    try {
      const started = Date.now();
      expect(await readPsTable(300, path.join(dir, 'ps'))).toBeNull();
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says "not measurable" when the process table cannot be read', async () => {
    const failing: ProcessTableReader = () => Promise.reject(new Error('no /proc'));
    expect(await new GroupCpuMeter(1, failing).sample()).toBeNull();
    expect(await new GroupCpuMeter(1, async () => null).sample()).toBeNull();
  });
});

describe('process table parsing', () => {
  it('reads utime, stime and the reaped children of a /proc stat line whose command has spaces and parentheses', () => {
    const stat = '4242 (node (x) y) S 4000 4242 4242 0 -1 4194304 100 0 0 0 150 30 7 3 20 0 1 0 100 0 0';
    expect(parseProcStat(stat, 10)).toEqual({ pid: 4242, ppid: 4000, pgid: 4242, cpuMs: (150 + 30 + 7 + 3) * 10 });
    expect(parseProcStat('garbage')).toBeNull();
  });

  it('finds through its index the same group and descendants as a full pass over the table', () => {
    const table = [
      { pid: 10, ppid: 1, pgid: 10, cpuMs: 1 },
      { pid: 11, ppid: 10, pgid: 10, cpuMs: 1 },
      { pid: 12, ppid: 11, pgid: 12, cpuMs: 1 },
      { pid: 13, ppid: 12, pgid: 13, cpuMs: 1 },
      { pid: 20, ppid: 1, pgid: 20, cpuMs: 1 },
      { pid: 21, ppid: 13, pgid: 20, cpuMs: 1 },
    ];
    const index = new ProcessIndex(table);
    const pids = (rows: Array<{ pid: number }>) => rows.map((p) => p.pid).sort();
    for (const pgid of [10, 12, 13, 20, 99])
      expect(pids(index.groupAndDescendants(pgid))).toEqual(pids(groupAndDescendants(table, pgid)));
    expect(pids(index.groupAndDescendants(10))).toEqual([10, 11, 12, 13, 21]);
  });

  it('reads ps times on procps and BSD', () => {
    expect(parsePsTime('00:00:01')).toBe(1000);
    expect(parsePsTime('01:02:03')).toBe(3_723_000);
    expect(parsePsTime('2-00:00:01')).toBe(172_801_000);
    expect(parsePsTime('0:01.50')).toBe(1500);
    expect(parsePsTime('12:34.05')).toBe(754_050);
    expect(parsePsTime('TIME')).toBeNaN();
    expect(parsePsTable('  1     0     1 00:00:06\n  77    1    77 0:00.25\nPID PPID PGID TIME\n')).toEqual([
      { pid: 1, ppid: 0, pgid: 1, cpuMs: 6000 },
      { pid: 77, ppid: 1, pgid: 77, cpuMs: 250 },
    ]);
  });
});
