import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Which machine, and which boot of it, a process runs on: two hosts of one name are told apart by these. */
export interface MachineIdentity {
  machineId: string;
  bootId: string;
}

/**
 * This machine's identity: /etc/machine-id and the kernel's boot id (on macOS the hostname and
 * kern.bootsessionuuid). NIGHTSHIFT_MACHINE_ID / NIGHTSHIFT_BOOT_ID override them, so a test can run
 * two "machines" on one.
 */
export function machineIdentity(env: NodeJS.ProcessEnv = process.env): MachineIdentity {
  return {
    machineId:
      env['NIGHTSHIFT_MACHINE_ID'] ||
      readTrimmed('/etc/machine-id') ||
      readTrimmed('/var/lib/dbus/machine-id') ||
      os.hostname(),
    bootId: env['NIGHTSHIFT_BOOT_ID'] || readTrimmed('/proc/sys/kernel/random/boot_id') || macBootId() || bootMinute(),
  };
}

function readTrimmed(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function macBootId(): string {
  if (process.platform !== 'darwin') return '';
  try {
    return execFileSync('sysctl', ['-n', 'kern.bootsessionuuid'], { encoding: 'utf8', timeout: 2000 }).trim();
  } catch {
    return '';
  }
}

/** The minute the system booted: the same for every process of one boot, whatever the clock's jitter. */
function bootMinute(): string {
  return `boot-${Math.round((Date.now() / 1000 - os.uptime()) / 60)}`;
}
