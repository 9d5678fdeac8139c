import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Environment variable every agent launch carries (value: the session's registry key), so a reaper can tell
 * a Nightshift agent, and everything it started, from any other process of the machine.
 */
export const SESSION_ENV = 'NIGHTSHIFT_SESSION';

interface ProcStat {
  state: string;
  pgid: number;
  /** Clock ticks since boot (field 22): with the pid, names one process for good, whatever PID reuse does. */
  startTime: string;
}

function readStat(pid: number): ProcStat | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the parenthesised command name (which may hold spaces): state ppid pgrp ... starttime is field 22.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgid: Number(fields[2]), startTime: fields[19] ?? '' };
}

/**
 * This process's PID namespace (`pid:[4026531836]`), or null where /proc cannot say. Pids mean something only
 * inside their namespace: a runner in its own container is pid 7 there and a stranger (or nobody) elsewhere.
 */
export function pidNamespace(): string | null {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return null;
  }
}

/** The process's start time as recorded in /proc (null when it is gone or already a zombie). */
export function processStartTime(pid: number): string | null {
  const stat = readStat(pid);
  return stat && stat.state !== 'Z' && stat.state !== 'X' ? stat.startTime : null;
}

/** True while the process that had `startTime` still runs under `pid` (false after it exited, even if the pid was reused). */
export function isSameProcess(pid: number, startTime: string | undefined): boolean {
  const now = processStartTime(pid);
  return now !== null && (startTime === undefined || now === startTime);
}

/** The process group of `pid`, or null when it is gone. */
export function processGroupOf(pid: number): number | null {
  return readStat(pid)?.pgid ?? null;
}

/** Live (non-zombie) members of a process group, read from /proc. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat && stat.pgid === pgid && stat.state !== 'Z' && stat.state !== 'X') members.push(Number(entry));
  }
  return members;
}

/** The session a process was launched for (its `NIGHTSHIFT_SESSION`), or null when unreadable or absent. */
export function processSession(pid: number): string | null {
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return null;
  }
  const entry = environ.split('\0').find((e) => e.startsWith(`${SESSION_ENV}=`));
  return entry ? entry.slice(SESSION_ENV.length + 1) : null;
}

/**
 * Process groups holding a live process launched for session `key` (found through its environment): the agent
 * even when its pgid was never recorded (its runner died right after spawn), and any group its children made.
 */
export function groupsOfSession(key: string): number[] {
  const groups = new Set<number>();
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat && stat.state !== 'Z' && stat.state !== 'X' && processSession(Number(entry)) === key)
      groups.add(stat.pgid);
  }
  return [...groups];
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
