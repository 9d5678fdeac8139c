#!/usr/bin/env node
// Prints, in one run on this machine: raw BullMQ no-op throughput, Nightshift's no-op pipeline
// throughput (instant fake agent, small local repos, every real service process), their ratio,
// intake latency (board add -> agent spawned) p50/p99, and the director's CPU per ticket beside the same
// work done by hand (bench/git-floor.js, before and after). Needs `npm run build` first.
//   node bench/pipeline-throughput.js [--tickets 200] [--repos 4] [--slots 16] [--latency-samples 40]
// BENCH_CPU_PROF=<dir> writes each service's V8 CPU profile there; BENCH_AGENT=<path> swaps the agent stand-in.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Queue, Worker } = require('bullmq');
const { Redis } = require('ioredis');
const { startEmbeddedRedis } = require('@nightshift/service-shell');
const { makeBareRemote } = require('@nightshift/git');
const { LocalBoard } = require('@nightshift/tracker');
const { numberArg, percentile, SERVICES, writeProfileWindow } = require('./bench-util');
const { waitFor } = require('@nightshift/testing-fakes');

const ROOT = path.resolve(__dirname, '..');
// The instant stand-in (bash, ~5 ms) so the figure is Nightshift's cost, not Node's start-up in the fake agent.
const FAKE_AGENT = process.env.BENCH_AGENT || path.join(ROOT, 'tools/fake-claude/instant-claude.sh');
const TICKETS = numberArg('tickets', 200);
const REPOS = numberArg('repos', 4);
const SLOTS = numberArg('slots', 16);
const LATENCY_SAMPLES = numberArg('latency-samples', 40);

async function rawBullmq(url, jobs) {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue('bench-raw', { connection });
  await queue.addBulk(
    Array.from({ length: jobs }, (_, i) => ({ name: 'noop', data: { i }, opts: { removeOnComplete: true } })),
  );
  let done = 0;
  const started = Date.now();
  const workerConnection = new Redis(url, { maxRetriesPerRequest: null });
  await new Promise((resolve) => {
    const worker = new Worker('bench-raw', async () => undefined, { connection: workerConnection, concurrency: 50 });
    worker.on('completed', () => {
      if (++done === jobs) worker.close().then(resolve);
    });
  });
  workerConnection.disconnect();
  const seconds = (Date.now() - started) / 1000;
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return jobs / seconds;
}

function startService(name, configFile, env, logDir) {
  // BENCH_CPU_PROF=<dir>: each service writes a V8 CPU profile there on exit (open in Chrome DevTools).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const child = spawn(
    process.execPath,
    [...prof, path.join(ROOT, 'apps', name, 'dist', 'main.js'), '--config', configFile],
    {
      env: { ...process.env, ...env, NIGHTSHIFT_HTTP_PORT: '0', NIGHTSHIFT_GRACE_MS: '5000' },
      stdio: [
        'ignore',
        fs.openSync(path.join(logDir, `${name}.log`), 'a'),
        fs.openSync(path.join(logDir, `${name}.err`), 'a'),
      ],
    },
  );
  return child;
}

/** Median gap between consecutive events of each ticket's story, for tickets started after `since`. */
async function stepBreakdown(url, since) {
  const client = new Redis(url);
  const entries = await client.xrange('nightshift:events', '-', '+');
  client.disconnect();
  const byRun = new Map();
  for (const [, fields] of entries) {
    const e = JSON.parse(fields[1]);
    if (Date.parse(e.at) < since) continue;
    const id = e.run ?? e.ticket;
    if (!byRun.has(id)) byRun.set(id, []);
    byRun.get(id).push(e);
  }
  const gaps = new Map();
  for (const events of byRun.values()) {
    for (let i = 1; i < events.length; i++) {
      const name = `${events[i].type}${events[i].detail?.to ? `(${events[i].detail.to})` : ''}`;
      if (!gaps.has(name)) gaps.set(name, []);
      gaps.get(name).push(Date.parse(events[i].at) - Date.parse(events[i - 1].at));
    }
  }
  return [...gaps.entries()]
    .map(
      ([name, list]) =>
        `${name} ${percentile(
          list.sort((a, b) => a - b),
          50,
        )}`,
    )
    .join(', ');
}

/** utime+stime of a process and of its reaped children, in seconds (Linux /proc). */
function cpuOf(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return {
    own: (Number(fields[11]) + Number(fields[12])) / 100,
    kids: (Number(fields[13]) + Number(fields[14])) / 100,
  };
}

/**
 * The floor (bench/git-floor.js) of `tickets` no-op tickets done by hand on this machine: worktree add, the same
 * agent stand-in, commit, push, worktree remove. CPU-s per ticket, in all and the agent's share.
 */
function handFloor(remote, work, tickets) {
  const out = require('node:child_process').execFileSync(process.execPath, [
    path.join(__dirname, 'git-floor.js'),
    remote,
    work,
    String(tickets),
    FAKE_AGENT,
  ]);
  const { cpuSec, agentCpuSec } = JSON.parse(out.toString());
  return { all: cpuSec / tickets, agent: agentCpuSec / tickets };
}

/** cpuOf as text: total (own), or '?' for a process gone. */
function cpuSeconds(pid) {
  try {
    const { own, kids } = cpuOf(pid);
    return `${(own + kids).toFixed(1)} (own ${own.toFixed(1)})`;
  } catch {
    return '?';
  }
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-bench-'));
  const redis = await startEmbeddedRedis({ dir: path.join(dir, 'redis'), persist: false });
  const repos = Array.from({ length: REPOS }, (_, i) => `repo${i}`);
  for (const r of repos) await makeBareRemote(path.join(dir, 'remotes', `${r}.git`), { 'README.md': `# ${r}\n` });
  const configFile = path.join(dir, 'nightshift.yaml');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      dataDir: 'data',
      tracker: { kind: 'local', scanIntervalSec: 5 },
      repos: repos.map((name) => ({ name, remote: `./remotes/${name}.git` })),
      hosts: [{ name: 'bench', capabilities: ['linux'], slots: SLOTS }],
      agent: {
        command: FAKE_AGENT,
        model: 'cheap-model',
        env: { pass: ['FAKE_CLAUDE_ARGV_LOG', 'FAKE_CLAUDE_DEFAULT'] },
      },
      logLevel: 'warn',
    }),
  );
  const logDir = path.join(dir, 'logs');
  fs.mkdirSync(logDir);
  const argvLog = path.join(dir, 'argv.jsonl');
  const env = { REDIS_URL: redis.url, FAKE_CLAUDE_ARGV_LOG: argvLog };
  const children = [];
  try {
    const raw = await rawBullmq(redis.url, 20_000);
    console.log(`raw BullMQ no-op throughput: ${raw.toFixed(0)} jobs/s (20000 jobs, concurrency 50)`);

    for (const name of SERVICES) children.push(startService(name, configFile, env, logDir));
    const board = new LocalBoard({ dir: path.join(dir, 'data', 'board') });
    // Warm-up: one ticket per repo, so mirrors exist and services are ready before timing.
    for (const r of repos) await board.add({ title: `[${r}] warm-up` });
    await waitFor(
      'warm-up',
      async () => (await board.listByStates(['In Review'])).length === repos.length,
      120_000,
      100,
    );

    // Intake latency: tickets added one at a time on an idle pipeline; latency = add -> agent spawned.
    const latencies = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const before = fs.existsSync(argvLog) ? fs.readFileSync(argvLog, 'utf8').split('\n').filter(Boolean).length : 0;
      const t0 = Date.now();
      await board.add({ title: `[${repos[i % REPOS]}] latency ${i}` });
      await waitFor(
        'agent spawn',
        async () => fs.readFileSync(argvLog, 'utf8').split('\n').filter(Boolean).length > before,
        30_000,
        2,
      );
      const lines = fs.readFileSync(argvLog, 'utf8').split('\n').filter(Boolean);
      latencies.push(Date.parse(JSON.parse(lines[lines.length - 1]).at) - t0);
      await new Promise((r) => setTimeout(r, 150));
    }
    latencies.sort((a, b) => a - b);
    await waitFor(
      'latency tickets done',
      async () => (await board.listByStates(['In Review'])).length === repos.length + LATENCY_SAMPLES,
      120_000,
      100,
    );

    // Throughput: TICKETS added at once; time until every one is In Review with its PR.
    // The floor before and after the director's run, averaged: the machine's state drifts between them.
    const floorBefore = handFloor(
      path.join(dir, 'remotes', `${repos[0]}.git`),
      path.join(dir, 'floor-before'),
      Math.min(TICKETS, 100),
    );
    const cpuBefore = children.map((c) => cpuOf(c.pid));
    const started = Date.now();
    const startUs = Number(process.hrtime.bigint() / 1000n);
    for (let i = 0; i < TICKETS; i++) await board.add({ title: `[${repos[i % REPOS]}] throughput ${i}` });
    const target = repos.length + LATENCY_SAMPLES + TICKETS;
    await waitFor(
      'throughput tickets done',
      async () => (await board.listByStates(['In Review'])).length === target,
      600_000,
      200,
    );
    const seconds = (Date.now() - started) / 1000;
    writeProfileWindow(startUs, Object.fromEntries(children.map((c, i) => [c.pid, SERVICES[i]])));
    const pipeline = TICKETS / seconds;
    const steps = await stepBreakdown(redis.url, started);
    const cpuAfter = children.map((c) => cpuOf(c.pid));
    const own = cpuAfter.reduce((sum, c, i) => sum + c.own - cpuBefore[i].own, 0) / TICKETS;
    const kids = cpuAfter.reduce((sum, c, i) => sum + c.kids - cpuBefore[i].kids, 0) / TICKETS;
    const floorAfter = handFloor(
      path.join(dir, 'remotes', `${repos[0]}.git`),
      path.join(dir, 'floor-after'),
      Math.min(TICKETS, 100),
    );
    const floor = (floorBefore.all + floorAfter.all) / 2;
    const agent = (floorBefore.agent + floorAfter.agent) / 2;
    const cpu = children.map((c, i) => `${SERVICES[i]} ${cpuSeconds(c.pid)}`).join(', ');

    console.log(
      `nightshift no-op pipeline throughput: ${pipeline.toFixed(2)} tickets/s (${TICKETS} tickets, ${REPOS} repos, ${SLOTS} slots, board add -> PR open and ticket In Review)`,
    );
    console.log(`ratio pipeline/raw: 1:${(raw / pipeline).toFixed(0)}`);
    console.log(
      `intake latency (board add -> agent spawned), ${LATENCY_SAMPLES} samples: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`,
    );
    console.log(
      `director CPU-s per ticket: ${(own + kids).toFixed(3)} (${own.toFixed(3)} in Node, ${kids.toFixed(3)} in child processes: git and the agent stand-in)`,
    );
    console.log(
      `floor CPU-s per ticket, the same work by hand in this run (worktree add, the agent stand-in, commit, push, worktree remove; mean of before ${floorBefore.all.toFixed(3)} and after ${floorAfter.all.toFixed(3)}): ${floor.toFixed(3)} (raw git ${(floor - agent).toFixed(3)}, the agent stand-in ${agent.toFixed(3)})`,
    );
    console.log(`ratio director/floor: ${((own + kids) / floor).toFixed(1)}x`);
    console.log(
      `ratio without the agent on either side (director minus the agent's floor share, over raw git): ${((own + kids - agent) / (floor - agent)).toFixed(1)}x`,
    );
    const perService = children
      .map(
        (c, i) =>
          `${SERVICES[i]} ${((cpuAfter[i].own - cpuBefore[i].own) / TICKETS).toFixed(3)} + ${((cpuAfter[i].kids - cpuBefore[i].kids) / TICKETS).toFixed(3)}`,
      )
      .join(', ');
    console.log(`director CPU-s per ticket by service (Node + children): ${perService}`);
    console.log(`CPU seconds per service over the whole run (own + its git/agent children): ${cpu}`);
    console.log(`where a throughput ticket's time goes (median ms from the previous event): ${steps}`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)))));
    await redis.stop();
    if (!process.env.NIGHTSHIFT_KEEP_BENCH) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
