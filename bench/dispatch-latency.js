#!/usr/bin/env node
// Dispatch latency across many hosts: 10 simulated hosts (a real session-runner process each, its own
// NIGHTSHIFT_HOST, 50 slots: 500 in all) on one Redis. Session jobs arrive at a steady rate on the capability
// queue they all serve; latency = enqueue -> the session starting on some host (BullMQ's timestamp ->
// processedOn). Each job's ticket is claimed by another run beforehand, so the session stops right after it
// started (claim refused, nothing launched): the figure is dispatch, not git or agent work. Beside it, the
// floor in the same run: raw BullMQ, 10 worker processes with concurrency 50 and a no-op processor, the same
// arrivals. Needs `npm run build`.
//   node bench/dispatch-latency.js [--hosts 10] [--slots 50] [--jobs 2000] [--rate 200]
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Queue } = require('bullmq');
const { Redis } = require('ioredis');
const { startEmbeddedRedis } = require('@nightshift/service-shell');
const { JOB, sessionJobId, sessionQueueName } = require('@nightshift/contracts');
const { numberArg, percentile } = require('./bench-util');
const { waitFor } = require('@nightshift/testing-fakes');

const ROOT = path.resolve(__dirname, '..');
const AGENT = path.join(ROOT, 'tools/fake-claude/instant-claude.sh');
const HOSTS = numberArg('hosts', 10);
const SLOTS = numberArg('slots', 50);
const JOBS = numberArg('jobs', 2000);
const RATE = numberArg('rate', 200);
const BATCH_EVERY_MS = 50;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

/** Adds `JOBS` jobs made by `make(i)` at RATE per second, in small batches. */
async function arrive(queue, make) {
  const perBatch = Math.max(1, Math.round((RATE * BATCH_EVERY_MS) / 1000));
  const t0 = Date.now();
  for (let i = 0, batch = 0; i < JOBS; batch++) {
    const jobs = [];
    for (let k = 0; k < perBatch && i < JOBS; k++, i++) jobs.push(make(i));
    await queue.addBulk(jobs);
    const next = t0 + (batch + 1) * BATCH_EVERY_MS;
    if (next > Date.now()) await sleep(next - Date.now());
  }
}

/** Enqueue -> start latencies (ms) of every completed job of `queue`, ascending. */
async function latencies(queue) {
  const jobs = await queue.getJobs(['completed'], 0, -1);
  return jobs.map((j) => j.processedOn - j.timestamp).sort((a, b) => a - b);
}

function summary(list) {
  return `p50 ${percentile(list, 50)} ms, p99 ${percentile(list, 99)} ms, max ${list[list.length - 1]} ms (${list.length} jobs)`;
}

async function nightshift(dir, redis, connection) {
  const configFile = path.join(dir, 'nightshift.yaml');
  const hosts = Array.from({ length: HOSTS }, (_, i) => ({ name: `host-${i}`, capabilities: ['linux'], slots: SLOTS }));
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      dataDir: 'data',
      tracker: { kind: 'local' },
      repos: [{ name: 'disp', remote: './remotes/disp.git' }],
      hosts,
      agent: { command: AGENT, model: 'cheap-model' },
      logLevel: 'warn',
    }),
  );
  const logDir = path.join(dir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const runners = hosts.map((h) =>
    spawn(process.execPath, [path.join(ROOT, 'apps/session-runner/dist/main.js'), '--config', configFile], {
      env: {
        ...process.env,
        REDIS_URL: redis.url,
        NIGHTSHIFT_HOST: h.name,
        NIGHTSHIFT_HTTP_PORT: '0',
        NIGHTSHIFT_GRACE_MS: '2000',
      },
      stdio: [
        'ignore',
        fs.openSync(path.join(logDir, `${h.name}.log`), 'a'),
        fs.openSync(path.join(logDir, `${h.name}.log`), 'a'),
      ],
    }),
  );
  try {
    const client = new Redis(redis.url);
    // Every runner registered its host (it takes sessions from then on).
    await waitFor(
      `${HOSTS} hosts registered`,
      async () => (await client.keys('nightshift:host:*')).length === HOSTS,
      120_000,
      500,
    );
    // Held by another run: each session is refused its claim and ends at once, launching nothing.
    const pipeline = client.pipeline();
    for (let i = 0; i < JOBS; i++) pipeline.set(`nightshift:claim:D-${i}`, 'elsewhere.1', 'PX', 3_600_000);
    await pipeline.exec();
    client.disconnect();
    const queue = new Queue(sessionQueueName('linux'), { connection });
    const routedAt = new Date().toISOString();
    await arrive(queue, (i) => ({
      name: JOB.session,
      data: {
        runId: `D-${i}.1`,
        repo: 'disp',
        capability: 'linux',
        branch: `agent/D-${i}`,
        tickets: [`D-${i}`],
        model: 'cheap-model',
        attempt: 1,
        routedAt,
      },
      opts: { jobId: sessionJobId(`D-${i}.1`) },
    }));
    await waitFor('every session job done', async () => (await queue.getCompletedCount()) === JOBS, 600_000, 500);
    const out = await latencies(queue);
    await queue.close();
    return out;
  } finally {
    for (const r of runners) r.kill('SIGKILL');
  }
}

async function floor(redis, connection, name) {
  const script = `
    const { Worker } = require('bullmq');
    const { Redis } = require('ioredis');
    new Worker(${JSON.stringify(name)}, async () => undefined, { connection: new Redis(${JSON.stringify(redis.url)}, { maxRetriesPerRequest: null }), concurrency: ${SLOTS} })
      .waitUntilReady().then(() => process.stdout.write('ready\\n'));
  `;
  const workers = Array.from({ length: HOSTS }, () =>
    spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] }),
  );
  try {
    await Promise.all(workers.map((w) => new Promise((resolve) => w.stdout.once('data', resolve))));
    const queue = new Queue(name, { connection });
    await arrive(queue, (i) => ({ name: 'noop', data: { i } }));
    await waitFor('every floor job done', async () => (await queue.getCompletedCount()) === JOBS, 600_000, 500);
    const out = await latencies(queue);
    await queue.close();
    return out;
  } finally {
    for (const w of workers) w.kill('SIGKILL');
  }
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-dispatch-'));
  const redis = await startEmbeddedRedis({ dir: path.join(dir, 'redis'), persist: false });
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  try {
    const load0 = os.loadavg()[0];
    // The floor before and after, so a change of load during the run shows instead of skewing one side.
    const before = await floor(redis, connection, 'bench-floor-before');
    log('floor done');
    const out = await nightshift(dir, redis, connection);
    const after = await floor(redis, connection, 'bench-floor-after');
    const raw = [...before, ...after].sort((a, b) => a - b);
    console.log(
      `dispatch latency, ${HOSTS} hosts x ${SLOTS} slots (${HOSTS * SLOTS} in all) on one Redis, ${JOBS} session jobs arriving at ${RATE}/s:`,
    );
    console.log(`  nightshift (real session-runner per host, enqueue -> session started): ${summary(out)}`);
    console.log(
      `  floor, same run (raw BullMQ, ${HOSTS} worker processes x concurrency ${SLOTS}, no-op), run before and after: ${summary(raw)} [before: ${summary(before)}; after: ${summary(after)}]`,
    );
    console.log(
      `  ratio p50 ${(percentile(out, 50) / Math.max(1, percentile(raw, 50))).toFixed(1)}x, p99 ${(percentile(out, 99) / Math.max(1, percentile(raw, 99))).toFixed(1)}x`,
    );
    console.log(
      `load: ${load0.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end (1-min average, ${os.cpus().length} cores)`,
    );
  } finally {
    connection.disconnect();
    await redis.stop();
    if (!process.env.NIGHTSHIFT_KEEP_BENCH) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
