'use strict';
// How the e2e specs are split into lanes (e2e/run-lanes.js): longest first, each to the lane that ends soonest;
// the Podman specs all in lane 1 (one engine, shared images). Seconds measured in a fresh-clone CI run; a spec not
// listed counts as DEFAULT_SECONDS.

const DEFAULT_SECONDS = 15;
const SECONDS = {
  'fresh-clone.e2e.spec.ts': 146,
  'redis-outage.e2e.spec.ts': 129,
  'podman-deploy.e2e.spec.ts': 78,
  'incidents.e2e.spec.ts': 55,
  'chaos.e2e.spec.ts': 48,
  'backpressure.e2e.spec.ts': 45,
  'linear-github.e2e.spec.ts': 40,
  'night-rehearsal.e2e.spec.ts': 40,
  'stall-detection.e2e.spec.ts': 39,
  'crash-recovery.e2e.spec.ts': 33,
  'ticket-to-one-pr.e2e.spec.ts': 27,
  'console.e2e.spec.ts': 25,
  'stale-executions.e2e.spec.ts': 37,
  'linear-github-recovery.e2e.spec.ts': 35,
  'session-policies.e2e.spec.ts': 35,
  'large-inputs.e2e.spec.ts': 30,
  'learning-loop.e2e.spec.ts': 24,
  'operator-cli.e2e.spec.ts': 22,
  'agent-permissions.e2e.spec.ts': 19,
  'up-recovery.e2e.spec.ts': 19,
  'trust-boundary.e2e.spec.ts': 17,
  'observability.e2e.spec.ts': 17,
  'base-move.e2e.spec.ts': 16,
  'checks-repair.e2e.spec.ts': 13,
  'zombie-reaper.e2e.spec.ts': 13,
  'podman-sandbox.e2e.spec.ts': 11,
  'cli-up.e2e.spec.ts': 9,
  'pr-for-reviewers.e2e.spec.ts': 8,
};

const together = (spec) => /\/podman-[^/]*\.e2e\.spec\.ts$/.test(spec);

function planLanes(specs, count) {
  const lanes = Array.from({ length: count }, () => ({ files: [], seconds: 0 }));
  const weight = (spec) => SECONDS[spec.split('/').pop()] ?? DEFAULT_SECONDS;
  const bound = specs.filter(together);
  for (const spec of bound) {
    lanes[0].files.push(spec);
    lanes[0].seconds += weight(spec);
  }
  const free = specs.filter((s) => !together(s)).sort((a, b) => weight(b) - weight(a) || a.localeCompare(b));
  for (const spec of free) {
    const lane = lanes.reduce((best, l) => (l.seconds < best.seconds ? l : best));
    lane.files.push(spec);
    lane.seconds += weight(spec);
  }
  return lanes.map((l) => l.files).filter((files) => files.length > 0);
}

module.exports = { planLanes, SECONDS, DEFAULT_SECONDS };
