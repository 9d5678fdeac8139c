// Small helpers every bench script shares.

/** `--name value` from argv as a number, or `fallback`. */
function numberArg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** The p-th percentile of an ascending array (nearest rank). */
function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * With BENCH_CPU_PROF=<dir>: writes <dir>/window.json, the measured phase's bounds on the monotonic clock the V8
 * profiles use (from `startUs` to now) and which pid is which service, for bench/cpu-profile-top.js.
 */
function writeProfileWindow(startUs, services) {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return;
  const fs = require('node:fs');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    require('node:path').join(dir, 'window.json'),
    JSON.stringify({ startUs, endUs: Number(process.hrtime.bigint() / 1000n), services }),
  );
}

// All 7, as a deployment runs them (started as the e2e harness does: the same config, an ephemeral HTTP port).
const SERVICES = [
  'worktree-manager',
  'session-runner',
  'router',
  'ticket-scanner',
  'zombie-reaper',
  'memory-consolidator',
  'metrics-exporter',
];

module.exports = { numberArg, percentile, SERVICES, writeProfileWindow };
