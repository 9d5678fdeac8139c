#!/usr/bin/env node
// Where a service's CPU went inside a measured window: reads the V8 CPU profiles a bench wrote with
// BENCH_CPU_PROF=<dir> (node --cpu-prof) and prints, per profile, the functions with the most self time
// among the samples taken between the bench's window marks (<dir>/window.json, monotonic µs, written by the
// bench; without it, every sample), and the same rolled up by file so a library's share shows.
//   node bench/cpu-profile-top.js <dir> [--top 25]
const fs = require('node:fs');
const path = require('node:path');
const { numberArg } = require('./bench-util');

const dir = process.argv[2];
if (!dir || !fs.existsSync(dir)) {
  console.error('usage: node bench/cpu-profile-top.js <dir written with BENCH_CPU_PROF> [--top 25]');
  process.exit(2);
}
const TOP = numberArg('top', 25);
const windowFile = path.join(dir, 'window.json');
const window = fs.existsSync(windowFile)
  ? JSON.parse(fs.readFileSync(windowFile, 'utf8'))
  : { startUs: 0, endUs: Infinity };

function shortUrl(url) {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  return url.replace(/^file:\/\/.*?\/(apps|libs)\//, '$1/');
}

function summarize(file) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map();
  const selfUs = new Map();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < window.startUs || t > window.endUs) continue;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i]);
    if (node.callFrame.functionName === '(idle)') continue;
    selfUs.set(node.id, (selfUs.get(node.id) ?? 0) + delta);
    // Inclusive time of this project's own functions (apps/, libs/): each frame once per sample.
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const { functionName, url, lineNumber } = byId.get(id).callFrame;
      if (!/\/(apps|libs)\/[^/]+\/dist\//.test(url) || url.includes('node_modules')) continue;
      const key = `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
    }
    total += delta;
  }
  const fns = new Map();
  const files = new Map();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const key = `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const fileKey = shortUrl(url)
      .split(/[/:]/)
      .slice(0, url.includes('node_modules') ? 1 : 3)
      .join('/');
    files.set(fileKey, (files.get(fileKey) ?? 0) + us);
  }
  const top = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP);
  const windowSec = window.endUs === Infinity ? (t - profile.startTime) / 1e6 : (window.endUs - window.startUs) / 1e6;
  const pid = path.basename(file).split('.')[3]; // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile
  const name = window.services?.[pid] ? `${window.services[pid]} (${path.basename(file)})` : path.basename(file);
  console.log(
    `\n== ${name}: ${(total / 1000).toFixed(0)} ms on CPU in ${windowSec.toFixed(1)} s (${((100 * total) / 1e6 / windowSec).toFixed(2)} % of a core)`,
  );
  for (const [k, us] of top(fns))
    console.log(`  ${(us / 1000).toFixed(1).padStart(8)} ms  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
  console.log("  -- inclusive, this project's functions:");
  for (const [k, us] of top(inclusive))
    console.log(`  ${(us / 1000).toFixed(1).padStart(8)} ms  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
  console.log('  -- by file/package:');
  for (const [k, us] of top(files).slice(0, 12))
    console.log(`  ${(us / 1000).toFixed(1).padStart(8)} ms  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
}

for (const f of fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .sort())
  summarize(path.join(dir, f));
