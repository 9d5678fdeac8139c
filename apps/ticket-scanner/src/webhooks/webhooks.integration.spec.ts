import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createTracker } from '@nightshift/adapter-factories';
import { type NightshiftConfig, parseConfig } from '@nightshift/config';
import { INTAKE_QUEUE, intakeJobId } from '@nightshift/contracts';
import { createJobQueue, type JobQueue } from '@nightshift/service-shell';
import { type EmbeddedRedis, startEmbeddedRedis } from '@nightshift/service-shell';
import { EventLog } from '@nightshift/state';
import {
  FakeGitHub,
  FakeGitLab,
  FakeJira,
  FakeLinear,
  githubSignature,
  jiraSignature,
  linearSignature,
} from '@nightshift/testing-fakes';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Registry } from 'prom-client';

import { WebhookIntake } from './webhook-intake';
import { webhookRoutes } from './webhook-routes';

const LINEAR_KEY = 'lin_api_webhook_spec_0123456789';
const GITHUB_TOKEN = 'ghp_webhook_spec_0123456789';
const SECRET = 'whsec_spec_secret_abcdef';

let dir: string;
let server: EmbeddedRedis;
let redis: Redis;
let queue: JobQueue<'intake'>;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ns-webhooks-'));
  server = await startEmbeddedRedis({ dir, persist: false });
  redis = new Redis(server.url, { maxRetriesPerRequest: null });
  queue = createJobQueue('intake', INTAKE_QUEUE, { connection: redis });
  // A running scanner's queue has its scripts loaded by the first poll; do the same here.
  await (
    await queue.add(
      'ticket.intake',
      { ticketKey: 'warm-up', source: 'poll', seenAt: new Date(0).toISOString() },
      { jobId: 'warm-up' },
    )
  ).remove();
});
afterAll(async () => {
  await queue.close();
  redis.disconnect();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => redis.flushall());

async function serve(
  config: NightshiftConfig,
  env: NodeJS.ProcessEnv,
  limits: { maxPerMinute?: number } = {},
): Promise<{ app: FastifyInstance; url: string }> {
  const tracker = createTracker(config, env);
  const intake = new WebhookIntake({
    ...limits,
    tracker,
    intake: queue,
    redis,
    events: new EventLog(redis),
    logger: pino({ level: 'silent' }),
    registry: new Registry(),
    queueStates: config.tracker.states.queue,
  });
  const app = Fastify();
  await webhookRoutes(config, intake, { WEBHOOK_SECRET: SECRET })!(app);
  return { app, url: await app.listen({ host: '127.0.0.1', port: 0 }) };
}

const post = (url: string, body: string, headers: Record<string, string>) =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
const jobs = async () => (await queue.getJobs(['waiting', 'delayed', 'active', 'prioritized'])).map((j) => j.id);

describe('Linear webhooks', () => {
  let fake: FakeLinear;
  let app: FastifyInstance;
  let url: string;
  beforeEach(async () => {
    fake = new FakeLinear({ apiKey: LINEAR_KEY, teams: ['ENG'] });
    const apiUrl = await fake.start();
    const config = parseConfig(
      JSON.stringify({
        repos: [{ name: 'api', remote: '/x' }],
        tracker: { kind: 'linear', apiUrl, teams: [{ key: 'ENG' }], webhook: { secretEnv: 'WEBHOOK_SECRET' } },
      }),
      '/x/n.yaml',
    );
    ({ app, url } = await serve(config, { LINEAR_API_KEY: LINEAR_KEY }));
    url = `${url}/webhooks/linear`;
  });
  afterEach(async () => {
    await app.close();
    await fake.stop();
  });

  // The latency target (intake within 100 ms) is measured by bench/webhook-latency.js, not asserted here.
  it('enqueues intake for a signed event before answering, under the polling job id', async () => {
    const issue = fake.createIssue({ team: 'ENG', title: 'queued', state: 'Agent Queue' });
    const { body, headers } = fake.webhook(issue.key, SECRET);
    const res = await post(url, body, headers);
    expect(res.status).toBe(202);
    expect((await queue.getJob(intakeJobId(issue.key)))!.data).toMatchObject({
      ticketKey: issue.key,
      source: 'webhook',
    });
  });

  it('takes the same delivery twice, and two deliveries for one ticket, as one intake', async () => {
    const issue = fake.createIssue({ team: 'ENG', title: 'queued', state: 'Agent Queue' });
    const delivery = fake.webhook(issue.key, SECRET, { deliveryId: 'd-1' });
    expect((await post(url, delivery.body, delivery.headers)).status).toBe(202);
    const again = await post(url, delivery.body, delivery.headers);
    expect(await again.json()).toMatchObject({ result: 'duplicate' });
    // Another event on the ticket: its own signed timestamp, so its own bytes.
    const other = fake.webhook(issue.key, SECRET, { deliveryId: 'd-2', timestamp: Date.now() - 1000 });
    expect((await post(url, other.body, other.headers)).status).toBe(202);
    expect(await jobs()).toEqual([intakeJobId(issue.key)]);
  });

  it('refuses a missing, wrong or stale signature with 401 and a malformed body with 400, enqueueing nothing', async () => {
    const issue = fake.createIssue({ team: 'ENG', title: 'queued', state: 'Agent Queue' });
    const { body, headers } = fake.webhook(issue.key, SECRET);
    const { 'linear-signature': _sig, ...unsigned } = headers;
    expect((await post(url, body, unsigned)).status).toBe(401);
    expect(
      (await post(url, body, { ...headers, 'linear-signature': linearSignature('not-the-secret', body) })).status,
    ).toBe(401);
    expect((await post(url, `${body} `, headers)).status).toBe(401);
    const stale = fake.webhook(issue.key, SECRET, { timestamp: Date.now() - 2 * 60_000 });
    expect((await post(url, stale.body, stale.headers)).status).toBe(401);
    const garbage = '{"type": "Issue", "data": ';
    expect(
      (await post(url, garbage, { ...headers, 'linear-signature': linearSignature(SECRET, garbage) })).status,
    ).toBe(400);
    expect(await jobs()).toEqual([]);
  });

  it('ignores issues outside the queue states and issues blocked by an open one', async () => {
    const backlog = fake.createIssue({ team: 'ENG', title: 'later', state: 'Backlog' });
    const blocker = fake.createIssue({ team: 'ENG', title: 'first', state: 'In Progress' });
    const blocked = fake.createIssue({ team: 'ENG', title: 'then', state: 'Agent Queue' });
    fake.addBlocks(blocker.key, blocked.key);
    for (const key of [backlog.key, blocked.key]) {
      const { body, headers } = fake.webhook(key, SECRET);
      const res = await post(url, body, headers);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ result: 'ignored' });
    }
    expect(await jobs()).toEqual([]);
  });

  it('answers 503 when Linear is down and takes the redelivery once it is back', async () => {
    const issue = fake.createIssue({ team: 'ENG', title: 'queued', state: 'Agent Queue' });
    const delivery = fake.webhook(issue.key, SECRET, { deliveryId: 'retry-me' });
    fake.failWith({ kind: 'server_error', times: 1 });
    expect((await post(url, delivery.body, delivery.headers)).status).toBe(503);
    expect((await post(url, delivery.body, delivery.headers)).status).toBe(202);
    expect(await jobs()).toEqual([intakeJobId(issue.key)]);
  });
});

describe('GitHub webhooks', () => {
  let fake: FakeGitHub;
  let app: FastifyInstance;
  let url: string;
  let config: NightshiftConfig;
  beforeEach(async () => {
    fake = new FakeGitHub({ token: GITHUB_TOKEN, repos: ['acme/planning'] });
    const baseUrl = await fake.start();
    config = parseConfig(
      JSON.stringify({
        repos: [{ name: 'api', remote: '/x' }],
        tracker: {
          kind: 'github',
          baseUrl,
          repos: [{ repo: 'acme/planning', keyPrefix: 'PLAN' }],
          webhook: { secretEnv: 'WEBHOOK_SECRET' },
        },
      }),
      '/x/n.yaml',
    );
    ({ app, url } = await serve(config, { GITHUB_TOKEN }));
    url = `${url}/webhooks/github`;
  });
  afterEach(async () => {
    await app.close();
    await fake.stop();
  });

  it('enqueues a labeled issue at once and refuses a bad signature', async () => {
    const n = fake.createIssue('acme/planning', { title: 'do it', labels: ['agent-queue'] });
    const { body, headers } = fake.webhook('acme/planning', n, SECRET, { label: 'agent-queue' });
    expect((await post(url, body, { ...headers, 'x-hub-signature-256': githubSignature('wrong', body) })).status).toBe(
      401,
    );
    const { 'x-hub-signature-256': _s, ...unsigned } = headers;
    expect((await post(url, body, unsigned)).status).toBe(401);
    expect(await jobs()).toEqual([]);
    expect((await post(url, body, headers)).status).toBe(202);
    expect(await queue.getJob(intakeJobId(`PLAN-${n}`))).toBeDefined();
  });

  it('answers a ping and ignores issues without a queue label', async () => {
    const n = fake.createIssue('acme/planning', { title: 'not for agents' });
    const ping = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    expect(
      (await post(url, ping, { 'x-github-event': 'ping', 'x-hub-signature-256': githubSignature(SECRET, ping) }))
        .status,
    ).toBe(200);
    const { body, headers } = fake.webhook('acme/planning', n, SECRET);
    expect(await (await post(url, body, headers)).json()).toMatchObject({ result: 'ignored' });
    expect(await jobs()).toEqual([]);
  });

  it('takes a replayed delivery with a new delivery id as the same delivery: no second tracker read, no second intake', async () => {
    const n = fake.createIssue('acme/planning', { title: 'do it', labels: ['agent-queue'] });
    const captured = fake.webhook('acme/planning', n, SECRET, { label: 'agent-queue', deliveryId: 'd-1' });
    expect((await post(url, captured.body, captured.headers)).status).toBe(202);
    // The intake ran and its job is gone: only the webhook's own memory stands between a replay and a second one.
    await (await queue.getJob(intakeJobId(`PLAN-${n}`)))!.remove();
    const reads = fake.requests.length;
    for (const id of ['d-2', 'd-3', 'd-4']) {
      const res = await post(url, captured.body, { ...captured.headers, 'x-github-delivery': id });
      expect(await res.json()).toMatchObject({ result: 'duplicate' });
    }
    expect(fake.requests.length).toBe(reads);
    expect(await jobs()).toEqual([]);
  });

  it('refuses a delivery signed longer ago than the replay window, and rate-limits each source', async () => {
    const n = fake.createIssue('acme/planning', { title: 'do it', labels: ['agent-queue'] });
    const { headers, body } = fake.webhook('acme/planning', n, SECRET, { label: 'agent-queue' });
    const old = JSON.parse(body) as { issue: { updated_at: string } };
    old.issue.updated_at = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const stale = JSON.stringify(old);
    const res = await post(url, stale, { ...headers, 'x-hub-signature-256': githubSignature(SECRET, stale) });
    expect(res.status).toBe(401);
    expect(await jobs()).toEqual([]);

    await app.close();
    ({ app, url } = await serve(config, { GITHUB_TOKEN }, { maxPerMinute: 2 }));
    url = `${url}/webhooks/github`;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const m = fake.createIssue('acme/planning', { title: `t${i}`, labels: ['agent-queue'] });
      const d = fake.webhook('acme/planning', m, SECRET, { label: 'agent-queue' });
      statuses.push((await post(url, d.body, d.headers)).status);
    }
    expect(statuses).toEqual([202, 202, 429]);
  });
});

describe('Jira webhooks', () => {
  const env = { JIRA_EMAIL: 'bot@example.com', JIRA_API_TOKEN: 'jira_webhook_spec_0123456789' };
  let fake: FakeJira;
  let app: FastifyInstance;
  let url: string;
  beforeEach(async () => {
    fake = new FakeJira({ email: env.JIRA_EMAIL, apiToken: env.JIRA_API_TOKEN, projects: ['ENG', 'OTHER'] });
    const baseUrl = await fake.start();
    const tracker = { kind: 'jira', baseUrl, projects: ['ENG'], webhook: { secretEnv: 'WEBHOOK_SECRET' } };
    ({ app, url } = await serve(
      parseConfig(JSON.stringify({ repos: [{ name: 'api', remote: '/x' }], tracker }), '/x/n.yaml'),
      env,
    ));
    url = `${url}/webhooks/jira`;
  });
  afterEach(async () => {
    await app.close();
    await fake.stop();
  });

  it('enqueues a signed update of a queued issue; refuses a wrong or missing X-Hub-Signature and a stale delivery', async () => {
    const issue = fake.createIssue({ project: 'ENG', summary: 'queued', status: 'Agent Queue' });
    const { body, headers } = fake.webhook(issue.key, SECRET);
    expect((await post(url, body, { ...headers, 'x-hub-signature': jiraSignature('wrong', body) })).status).toBe(401);
    const { 'x-hub-signature': _s, ...unsigned } = headers;
    expect((await post(url, body, unsigned)).status).toBe(401);
    const stale = fake.webhook(issue.key, SECRET, { timestamp: Date.now() - 2 * 86_400_000 });
    expect((await post(url, stale.body, stale.headers)).status).toBe(401);
    expect(await jobs()).toEqual([]);
    expect((await post(url, body, headers)).status).toBe(202);
    expect(await jobs()).toEqual([intakeJobId(issue.key)]);
  });

  it('ignores issues outside the queue statuses or the configured projects without asking Jira', async () => {
    const backlog = fake.createIssue({ project: 'ENG', summary: 'later', status: 'Backlog' });
    const other = fake.createIssue({ project: 'OTHER', summary: 'theirs', status: 'Agent Queue' });
    const reads = fake.requests.length;
    for (const key of [backlog.key, other.key]) {
      const { body, headers } = fake.webhook(key, SECRET);
      expect(await (await post(url, body, headers)).json()).toMatchObject({ result: 'ignored' });
    }
    expect(fake.requests.length).toBe(reads);
    expect(await jobs()).toEqual([]);
  });
});

describe('GitLab webhooks', () => {
  const GITLAB_TOKEN = 'glpat-webhook-spec-0123456789';
  let fake: FakeGitLab;
  let app: FastifyInstance;
  let url: string;
  beforeEach(async () => {
    fake = new FakeGitLab({ token: GITLAB_TOKEN, projects: ['acme/alpha'] });
    const baseUrl = await fake.start();
    const projects = [{ project: 'acme/alpha', keyPrefix: 'AL' }];
    const tracker = { kind: 'gitlab', baseUrl, projects, webhook: { secretEnv: 'WEBHOOK_SECRET' } };
    const config = parseConfig(JSON.stringify({ repos: [{ name: 'api', remote: '/x' }], tracker }), '/x/n.yaml');
    ({ app, url } = await serve(config, { GITLAB_TOKEN }));
    url = `${url}/webhooks/gitlab`;
  });
  afterEach(async () => {
    await app.close();
    await fake.stop();
  });

  it('enqueues an issue carrying the queue label; refuses a wrong or missing X-Gitlab-Token; ignores unlabeled issues', async () => {
    const queued = fake.createIssue({ project: 'acme/alpha', title: 'do it', labels: ['nightshift::queue'] });
    const plain = fake.createIssue({ project: 'acme/alpha', title: 'not for agents' });
    const { body, headers } = fake.webhook('acme/alpha', queued.iid, SECRET);
    expect((await post(url, body, { ...headers, 'x-gitlab-token': 'wrong' })).status).toBe(401);
    const { 'x-gitlab-token': _t, ...unsigned } = headers;
    expect((await post(url, body, unsigned)).status).toBe(401);
    const other = fake.webhook('acme/alpha', plain.iid, SECRET);
    expect(await (await post(url, other.body, other.headers)).json()).toMatchObject({ result: 'ignored' });
    expect(await jobs()).toEqual([]);
    expect((await post(url, body, headers)).status).toBe(202);
    expect(await jobs()).toEqual([intakeJobId(`AL-${queued.iid}`)]);
  });
});
