#!/usr/bin/env node
// Prints webhook -> intake latency: a signed Linear delivery POSTed to the ticket-scanner's webhook
// route until its intake job exists in Redis, p50/p99 over N deliveries. Needs `npm run build`.
//   node bench/webhook-latency.js [--deliveries 200]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Queue } = require('bullmq');
const Fastify = require('fastify');
const { Redis } = require('ioredis');
const pino = require('pino');
const { Registry } = require('prom-client');
const { parseConfig } = require('@nightshift/config');
const { INTAKE_QUEUE, intakeJobId } = require('@nightshift/contracts');
const { startEmbeddedRedis } = require('@nightshift/service-shell');
const { EventLog } = require('@nightshift/state');
const { FakeLinear } = require('@nightshift/testing-fakes');
const { createTracker } = require('@nightshift/adapter-factories');
const { WebhookIntake } = require('../apps/ticket-scanner/dist/webhooks/webhook-intake');
const { webhookRoutes } = require('../apps/ticket-scanner/dist/webhooks/webhook-routes');
const { numberArg, percentile } = require('./bench-util');

const DELIVERIES = numberArg('deliveries', 200);
const SECRET = 'whsec_bench_secret';
const KEY = 'lin_api_bench_key_0123456789';

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-webhook-bench-'));
  const server = await startEmbeddedRedis({ dir, persist: false });
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  const queue = new Queue(INTAKE_QUEUE, { connection: redis });
  const fake = new FakeLinear({ apiKey: KEY, teams: ['ENG'] });
  const apiUrl = await fake.start();
  const config = parseConfig(
    JSON.stringify({
      repos: [{ name: 'api', remote: '/x' }],
      tracker: { kind: 'linear', apiUrl, teams: [{ key: 'ENG' }], webhook: { secretEnv: 'WEBHOOK_SECRET' } },
    }),
    path.join(dir, 'n.yaml'),
  );
  const tracker = createTracker(config, { LINEAR_API_KEY: KEY });
  const intake = new WebhookIntake({
    tracker,
    intake: queue,
    redis,
    events: new EventLog(redis),
    logger: pino({ level: 'silent' }),
    registry: new Registry(),
    queueStates: config.tracker.states.queue,
    // A latency bench, not a rate test: every delivery must reach intake.
    maxPerMinute: DELIVERIES + 10,
  });
  const app = Fastify();
  await webhookRoutes(config, intake, { WEBHOOK_SECRET: SECRET })(app);
  const url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/webhooks/linear`;
  const latencies = [];
  try {
    for (let i = 0; i < DELIVERIES + 10; i++) {
      const issue = fake.createIssue({ team: 'ENG', title: `queued ${i}`, state: 'Agent Queue' });
      const { body, headers } = fake.webhook(issue.key, SECRET);
      const started = process.hrtime.bigint();
      const res = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
      });
      if (res.status !== 202) throw new Error(`delivery ${i} answered ${res.status}`);
      while (!(await queue.getJob(intakeJobId(issue.key)))) await new Promise((r) => setImmediate(r));
      if (i >= 10) latencies.push(Number(process.hrtime.bigint() - started) / 1e6); // the first 10 warm up
    }
  } finally {
    await app.close();
    await fake.stop();
    await queue.close();
    redis.disconnect();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  latencies.sort((a, b) => a - b);
  const at = (p) => percentile(latencies, p).toFixed(1);
  console.log(
    `webhook -> intake job (signed Linear delivery, fake Linear API for the ticket read), ${DELIVERIES} deliveries: p50 ${at(50)} ms, p99 ${at(99)} ms (target: within 100 ms)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
