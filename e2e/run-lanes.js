#!/usr/bin/env node
'use strict';
// Runs the e2e specs in lanes: each lane one jest process running its specs one after another, the lanes side
// by side. Most specs wait (on agents, polls, outages) far more than they compute, so three lanes on two cores
// cut the wall time by more than half (20-25 min serial). The Podman specs share one engine and its images, so
// they keep to one lane.
//   node e2e/run-lanes.js [spec paths…]      NIGHTSHIFT_E2E_LANES=1 runs them all in one lane, as before
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { planLanes } = require('./lanes-plan');

const root = path.resolve(__dirname, '..');
const lanes = Math.max(1, Number(process.env.NIGHTSHIFT_E2E_LANES || 3));
const specs = process.argv.slice(2).length
  ? process.argv.slice(2).map((p) => path.relative(root, path.resolve(p)))
  : fs
      .readdirSync(path.join(__dirname, 'src'))
      .filter((f) => f.endsWith('.e2e.spec.ts'))
      .map((f) => `e2e/src/${f}`);

const plan = planLanes(specs, lanes);
const t0 = Date.now();
/** Seconds of each spec as jest reports it (it prints a time only past 5 s): the profile printed at the end. */
const took = [];

function runLane(files, index) {
  const tag = `[e2e lane ${index + 1}]`;
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [path.join(root, 'node_modules/jest/bin/jest.js'), '-c', 'e2e/jest.config.cjs', '--runTestsByPath', ...files],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NIGHTSHIFT_E2E_LANE: String(index + 1) } },
    );
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.on('data', (chunk) => {
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop();
        for (const line of lines) {
          process.stdout.write(`${tag} ${line}\n`);
          const m = /(PASS|FAIL)\s+e2e\s+(\S+\.spec\.ts) \((\d+(?:\.\d+)?) s/.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
          if (m) took.push({ spec: path.basename(m[2]), seconds: Number(m[3]), lane: index + 1 });
        }
      });
      stream.on('end', () => rest && process.stdout.write(`${tag} ${rest}\n`));
    }
    child.on('close', (code, signal) =>
      resolve({ index, code: code ?? 1, signal, seconds: (Date.now() - started) / 1000 }),
    );
  });
}

console.log(
  plan
    .map((files, i) => `[e2e lane ${i + 1}] ${files.length} specs: ${files.map((f) => path.basename(f)).join(' ')}`)
    .join('\n'),
);
Promise.all(plan.map(runLane)).then((results) => {
  for (const r of results)
    console.log(
      `[e2e lane ${r.index + 1}] ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code}${r.signal ? `, ${r.signal}` : ''})`} in ${r.seconds.toFixed(0)} s`,
    );
  const slowest = took.sort((a, b) => b.seconds - a.seconds).slice(0, 12);
  console.log(
    `[e2e] slowest specs: ${slowest.map((t) => `${t.spec} ${t.seconds.toFixed(0)} s (lane ${t.lane})`).join(', ')}`,
  );
  console.log(`[e2e] ${lanes} lanes, ${((Date.now() - t0) / 1000).toFixed(0)} s wall`);
  process.exit(results.every((r) => r.code === 0) ? 0 : 1);
});
