/** Environment variable naming the crash point a process must die at (crash-path tests only). */
export const CRASH_AT_ENV = 'NIGHTSHIFT_CRASH_AT';

/**
 * Test hook for crash paths: a process started with NIGHTSHIFT_CRASH_AT=<point> kills itself with SIGKILL on
 * reaching that point, as a power cut or an OOM kill would, with nothing flushed or cleaned up. Unset: no effect.
 */
export function crashPoint(point: string): void {
  if (process.env[CRASH_AT_ENV] === point) process.kill(process.pid, 'SIGKILL');
}
