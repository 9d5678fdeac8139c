#!/usr/bin/env node
// The learning loop, measured: six tickets of one repo meet the same scripted pitfall (the fake
// agent's `pitfall=X`: fails unless the prompt carries the lesson `avoid-X`). Run twice on every real
// service process: with memory (embedded store, lexical embedder) and without. Prints the share of
// tickets that succeeded on their first attempt in each run. Needs `npm run build`.
//   node bench/learning-loop.js [--tickets 6]
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Redis } = require('ioredis');
const { startEmbeddedRedis } = require('@nightshift/service-shell');
const { makeBareRemote } = require('@nightshift/git');
const { LocalBoard } = require('@nightshift/tracker');
const { RunStore } = require('@nightshift/state');
const { numberArg } = require('./bench-util');
const { waitFor } = require('@nightshift/testing-fakes');

const ROOT = path.resolve(__dirname, '..');
const TICKETS = numberArg('tickets', 6);
const PITFALL = 'fake-agent: pitfall=stale-lockfile';

async function run(memoryEnabled) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-bench-loop-'));
  await makeBareRemote(path.join(dir, 'remotes', 'api.git'), { 'README.md': '# api\n' });
  const configFile = path.join(dir, 'nightshift.yaml');
  fs.writeFileSync(configFile, JSON.stringify({
    dataDir: 'data',
    tracker: { kind: 'local', scanIntervalSec: 2 },
    repos: [{ name: 'api', remote: './remotes/api.git' }],
    hosts: [{ name: 'h', capabilities: ['linux'], slots: 4 }],
    agent: { command: path.join(ROOT, 'tools/fake-claude/fake-claude.js'), model: 'cheap', fastFailSec: 0, authCheck: { enabled: false } },
    routing: { maxAttempts: 3, retryDelaySec: 1 },
    memory: { enabled: memoryEnabled, recallTimeoutMs: 5000 },
  }));
  const server = await startEmbeddedRedis({ dir: path.join(dir, 'redis'), persist: false });
  const redis = new Redis(server.url);
  const services = ['worktree-manager', 'session-runner', 'router', 'ticket-scanner', ...(memoryEnabled ? ['memory-consolidator'] : [])];
  const children = services.map((name) => spawn(process.execPath, [path.join(ROOT, 'apps', name, 'dist', 'main.js'), '--config', configFile], {
    env: { ...process.env, REDIS_URL: server.url, NIGHTSHIFT_HTTP_PORT: '0', NIGHTSHIFT_GRACE_MS: '3000' }, stdio: 'ignore',
  }));
  try {
    const board = new LocalBoard({ dir: path.join(dir, 'data', 'board') });
    const runs = new RunStore(redis);
    const firstRun = (key) => waitFor(`first run of ${key}`, async () => (await runs.list()).find((r) => r.tickets.includes(key) && r.attempt === 1 && r.outcome), 180_000, 200);
    const titles = ['created_at', 'updated_at', 'shipped_at', 'paid_at', 'refunded_at', 'canceled_at', 'archived_at', 'viewed_at'];
    const first = await board.add({ title: `[api] store ${titles[0]} on orders`, description: PITFALL });
    const firstOutcome = (await firstRun(first.key)).outcome;
    // The later tickets arrive once the first one is done (its lesson recorded, when memory is on).
    await waitFor('the first ticket settled', async () => ['In Review', 'Needs Human'].includes((await board.getTicket(first.key)).state), 180_000, 200);
    const later = [];
    for (let i = 1; i < TICKETS; i++) later.push(await board.add({ title: `[api] store ${titles[i % titles.length]} on orders`, description: PITFALL }));
    const outcomes = [];
    for (const t of later) outcomes.push((await firstRun(t.key)).outcome);
    return { firstOutcome, laterOk: outcomes.filter((o) => o === 'success').length, later: outcomes.length };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))));
    redis.disconnect();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  for (const enabled of [true, false]) {
    const r = await run(enabled);
    const rate = (100 * r.laterOk) / r.later;
    console.log(`memory ${enabled ? 'on ' : 'off'}: first ticket's first attempt ${r.firstOutcome}; the next ${r.later} tickets: ${r.laterOk}/${r.later} succeeded on their first attempt (${rate.toFixed(0)} %)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
