import { existsSync, readFileSync } from 'node:fs';

/** How long a Podman spec waits for a setup `.ci/run` started in the background (a fresh machine: ~5 min). */
const SETUP_WAIT_MS = 20 * 60_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function lastLines(file: string | undefined, count: number): string {
  if (!file || !existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
}

/**
 * Waits for `deploy/podman-setup.sh` when `.ci/run` runs it beside the build and unit tests: it writes the
 * script's exit code to NIGHTSHIFT_PODMAN_SETUP_STATUS when done. Returns why Podman cannot be used (the
 * setup failed or never finished, with the tail of its log), or null when it is ready or was never backgrounded.
 * Synchronous, because the specs decide `describe` or `describe.skip` when their module loads.
 */
export function awaitPodmanSetup(waitMs = SETUP_WAIT_MS): string | null {
  const statusFile = process.env['NIGHTSHIFT_PODMAN_SETUP_STATUS'];
  if (!statusFile) return null;
  const log = process.env['NIGHTSHIFT_PODMAN_SETUP_LOG'];
  const deadline = Date.now() + waitMs;
  let status = '';
  while ((status = existsSync(statusFile) ? readFileSync(statusFile, 'utf8').trim() : '') === '') {
    if (Date.now() > deadline)
      return `deploy/podman-setup.sh did not finish within ${Math.round(waitMs / 60_000)} min; its log ends:\n${lastLines(log, 20)}`;
    sleepSync(1_000);
  }
  if (status === '0') return null;
  return `deploy/podman-setup.sh failed (exit ${status}); its log ends:\n${lastLines(log, 20)}`;
}
