import { request as httpRequest } from 'node:http';

import { type NightshiftConfig, parseConfig } from '@nightshift/config';
import { sessionQueueName } from '@nightshift/contracts';
import { ServiceRuntime } from '@nightshift/service-shell';
import { Claims, onRefreshRequest, PauseStore, RunStore, SessionRegistry, TrackerPolls } from '@nightshift/state';
import { useTestRedis } from '@nightshift/testing-fakes';
import { Queue } from 'bullmq';

import { buildMetricsExporter } from './metrics-exporter';

const testRedis = useTestRedis();
const TOKEN_ENV = 'NS_EXPORTER_SPEC_TOKEN';

function configFor(host: string, observability = ''): NightshiftConfig {
  const yaml = `
repos: [{ name: api, remote: ./api.git }]
hosts: [{ name: h1, capabilities: [linux], slots: 3 }]
agent: { accounts: [{ name: team-a }, { name: team-b }] }
http: { host: "${host}" }
observability: { costBudgetUsdPerHour: 7, apiTokenEnv: ${TOKEN_ENV}${observability} }
logLevel: warn
`;
  return parseConfig(yaml, '/tmp/exporter-spec/nightshift.yaml');
}

async function startExporter(host: string, observability = ''): Promise<{ url: string; runtime: ServiceRuntime }> {
  const config = configFor(host, observability);
  const runtime = new ServiceRuntime({
    service: 'metrics-exporter',
    config,
    redisUrl: testRedis.url,
    port: 0,
    graceMs: 5000,
  });
  const service = await buildMetricsExporter(runtime, config);
  const url = (await runtime.start()).replace('0.0.0.0', '127.0.0.1');
  service.start();
  return { url, runtime };
}

const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const LOOP_TOKEN = 'loopback-operator-token';
/** A GET with any Host header (fetch sets its own). */
const getWithHost = (url: string, host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });

describe('metrics-exporter on loopback (reads need no token)', () => {
  let url = '';
  let runtime: ServiceRuntime;
  beforeAll(async () => {
    process.env[TOKEN_ENV] = LOOP_TOKEN;
    ({ url, runtime } = await startExporter('127.0.0.1'));
  });
  afterAll(async () => {
    delete process.env[TOKEN_ENV];
    await runtime?.shutdown('spec');
  });
  const write = (target: string, body: unknown) => post(target, body, bearer(LOOP_TOKEN));

  async function seedSwarm(): Promise<void> {
    const redis = testRedis.redis;
    const queue = new Queue(sessionQueueName('linux'), { connection: redis });
    await queue.add('session.run', { runId: 'NS-9.1' } as never, { jobId: 'session-NS-9.1' });
    await queue.close();
    const runs = new RunStore(redis);
    const finishedAt = new Date().toISOString();
    await runs.save({
      runId: 'NS-1.1',
      tickets: ['NS-1'],
      repo: 'api',
      host: 'h1',
      model: 'sonnet',
      attempt: 1,
      account: 'team-a',
      startedAt: finishedAt,
      finishedAt,
      outcome: 'success',
      costUsd: 0.25,
      usage: { input: 100, output: 20, cacheRead: 0, cacheWrite: 0 },
      prUrl: 'local://api/pull/1',
    });
    await runs.save({
      runId: 'NS-2.1',
      tickets: ['NS-2'],
      repo: 'api',
      host: 'h1',
      model: 'sonnet',
      attempt: 1,
      account: 'team-a',
      startedAt: finishedAt,
      finishedAt,
      outcome: 'rate_limited',
      costUsd: 0,
    });
    await new PauseStore(redis).pause({
      scope: { kind: 'account', account: 'team-a' },
      until: new Date(Date.now() + 3_600_000).toISOString(),
      reason: 'rate_limited',
      by: 'spec',
    });
    await new SessionRegistry(redis).put({
      runId: 'NS-3.1',
      host: 'h1',
      runnerPid: 1,
      tickets: ['NS-3'],
      heartbeatAt: finishedAt,
    });
    await new Claims(redis).claim('NS-3', 'NS-3.1', 60_000); // live session: not stranded
    await new Claims(redis).claim('NS-9', 'NS-9.1', 60_000); // job waiting: not stranded
    await new Claims(redis).claim('NS-7', 'NS-7.1', 60_000); // nothing will run it: stranded
    await new TrackerPolls(redis).recordSuccess('local', new Date(1_800_000_000_000));
  }

  it('exports fleet series read from Redis: queues, pauses, hosts, runs, cost, tracker polls, stranded tickets', async () => {
    await seedSwarm();
    const text = await (await fetch(`${url}/metrics`)).text();
    const sample = (re: RegExp) => expect(text).toMatch(re);
    sample(/^nightshift_queue_jobs\{queue="session\.linux",state="waiting"[^}]*\} 1$/m);
    sample(/^nightshift_queue_jobs\{queue="intake",state="waiting"[^}]*\} 0$/m);
    sample(/^nightshift_queue_oldest_job_age_seconds\{queue="session\.linux",state="waiting"[^}]*\} \d/m);
    sample(/^nightshift_pause_active\{scope="account:team-a"[^}]*\} 1$/m);
    sample(/^nightshift_pause_remaining_seconds\{scope="account:team-a"[^}]*\} 3[56]\d\d/m);
    sample(/^nightshift_host_slots\{host="h1"[^}]*\} 3$/m);
    sample(/^nightshift_host_sessions\{host="h1"[^}]*\} 1$/m);
    sample(/^nightshift_runs_total\{outcome="success",model="sonnet",repo="api"[^}]*\} 1$/m);
    sample(/^nightshift_runs_total\{outcome="rate_limited",model="sonnet",repo="api"[^}]*\} 1$/m);
    sample(
      /^nightshift_run_cost_usd_total\{model="sonnet",repo="api",account="team-a",agent="claude-code"[^}]*\} 0\.25$/m,
    );
    sample(/^nightshift_run_tokens_total\{kind="input",model="sonnet",repo="api",account="team-a"[^}]*\} 100$/m);
    sample(/^nightshift_tracker_last_success_timestamp_seconds\{tracker="local"[^}]*\} 1800000000$/m);
    sample(/^nightshift_tickets_stranded\{[^}]*\} 1$/m);
    sample(/^nightshift_cost_budget_usd_per_hour\{[^}]*\} 7$/m);
    expect(text).not.toMatch(/NS-\d/); // no per-ticket label
  });

  it('GET /api/v1/state reports hosts, queues, pauses, sessions, stranded tickets and totals', async () => {
    await seedSwarm();
    const { status, body } = await json(await fetch(`${url}/api/v1/state`));
    expect(status).toBe(200);
    expect(body['hosts']).toEqual([{ name: 'h1', capabilities: ['linux'], slots: 3, sessions: 1 }]);
    expect((body['queues'] as Array<{ name: string }>).map((q) => q.name)).toEqual([
      'intake',
      'session.linux',
      'worktree.h1',
    ]);
    expect(body['pauses']).toEqual([expect.objectContaining({ scopeLabel: 'account:team-a', reason: 'rate_limited' })]);
    expect(body['stranded']).toEqual([{ ticket: 'NS-7', runId: 'NS-7.1' }]);
    expect((body['totals'] as { runs: unknown[] }).runs).toEqual(
      expect.arrayContaining([{ outcome: 'success', model: 'sonnet', repo: 'api', count: 1 }]),
    );
  });

  it('GET /api/v1/tickets/:key gives runs, PRs and cost, and a JSON 404 for an unknown ticket', async () => {
    await seedSwarm();
    const { status, body } = await json(await fetch(`${url}/api/v1/tickets/NS-1`));
    expect(status).toBe(200);
    expect(body).toMatchObject({ key: 'NS-1', prUrls: ['local://api/pull/1'], costUsd: 0.25, attemptsSpent: 0 });
    expect(await json(await fetch(`${url}/api/v1/tickets/NS-404`))).toEqual({
      status: 404,
      body: { error: { code: 'ticket_not_found', message: expect.stringContaining('NS-404') } },
    });
  });

  it('POST /api/v1/pause and /resume change what everyone obeys, with JSON errors for bad input', async () => {
    const paused = await json(
      await write(`${url}/api/v1/pause`, { account: 'team-b', for: '30m', reason: 'maintenance' }),
    );
    expect(paused).toMatchObject({
      status: 200,
      body: { paused: { scope: { kind: 'account', account: 'team-b' }, reason: 'maintenance' } },
    });
    expect(await new PauseStore(testRedis.redis).get({ kind: 'account', account: 'team-b' })).not.toBeNull();
    expect((await json(await write(`${url}/api/v1/resume`, { account: 'team-b' }))).status).toBe(200);
    expect(await new PauseStore(testRedis.redis).get({ kind: 'account', account: 'team-b' })).toBeNull();
    expect(await json(await write(`${url}/api/v1/resume`, { account: 'team-b' }))).toMatchObject({
      status: 409,
      body: { error: { code: 'not_paused' } },
    });
    expect(await json(await write(`${url}/api/v1/pause`, { account: 'nobody' }))).toMatchObject({
      status: 400,
      body: { error: { code: 'unknown_account', message: expect.stringContaining('team-a, team-b') } },
    });
    expect(await json(await write(`${url}/api/v1/pause`, { for: 'soon' }))).toMatchObject({
      status: 400,
      body: { error: { code: 'bad_duration' } },
    });
    expect(await json(await write(`${url}/api/v1/pause`, { reason: 'x'.repeat(501) }))).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request' } },
    });
    expect(await json(await fetch(`${url}/api/v1/nothing-here`))).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
    // Intake with an empty object: the default scope.
    expect((await json(await write(`${url}/api/v1/pause`, {}))).status).toBe(200);
    expect(await new PauseStore(testRedis.redis).get({ kind: 'intake' })).toMatchObject({ by: 'operator-api' });
  });

  it('POST /api/v1/refresh reaches a listening scanner, and says 503 when none listens', async () => {
    expect(await json(await write(`${url}/api/v1/refresh`, {}))).toMatchObject({
      status: 503,
      body: { error: { code: 'no_scanner' } },
    });
    const subscriber = testRedis.redis.duplicate();
    try {
      let heard = 0;
      await onRefreshRequest(subscriber, () => heard++);
      expect(await json(await write(`${url}/api/v1/refresh`, {}))).toEqual({
        status: 202,
        body: { requested: true, scanners: 1 },
      });
      const deadline = Date.now() + 5000;
      while (heard === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(heard).toBe(1);
    } finally {
      subscriber.disconnect();
    }
  });

  it('serves its OpenAPI document', async () => {
    const { status, body } = await json(await fetch(`${url}/api/v1/openapi.json`));
    expect(status).toBe(200);
    expect(body['openapi']).toMatch(/^3\./);
    expect(Object.keys(body['paths'] as object).sort()).toEqual([
      '/api/v1/memory/{id}/forget',
      '/api/v1/pause',
      '/api/v1/refresh',
      '/api/v1/resume',
      '/api/v1/state',
      '/api/v1/tickets/{key}',
      '/api/v1/tickets/{key}/retry',
    ]);
  });

  it('serves the read-only queue board with every queue, and refuses the writable one without the token', async () => {
    const page = await fetch(`${url}/queues`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const { status, body } = await json(await fetch(`${url}/queues/api/queues`));
    expect(status).toBe(200);
    const queues = body['queues'] as Array<{ name: string; readOnlyMode: boolean }>;
    expect(queues.map((q) => q.name).sort()).toEqual(['intake', 'session.linux', 'worktree.h1']);
    expect(queues.every((q) => q.readOnlyMode)).toBe(true);
    expect(await json(await fetch(`${url}/queues/admin/api/queues`))).toMatchObject({
      status: 401,
      body: { error: { code: 'token_required' } },
    });
  });

  it('refuses what a web page can send: a cross-origin POST with no body, a form post, a foreign Host read', async () => {
    // What fetch(…, {mode: 'no-cors', method: 'POST'}) from https://evil.example sends.
    const noCors = await fetch(`${url}/api/v1/pause`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(noCors.status).toBe(403);
    expect(
      await fetch(`${url}/api/v1/resume`, { method: 'POST', headers: { origin: 'https://evil.example' } }).then(
        (r) => r.status,
      ),
    ).toBe(403);
    // The same without an Origin (a form post, curl): no token, no JSON.
    expect((await fetch(`${url}/api/v1/pause`, { method: 'POST' })).status).toBe(401);
    const form = await fetch(`${url}/api/v1/pause`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...bearer(LOOP_TOKEN) },
      body: '{}',
    });
    expect(await json(form)).toMatchObject({ status: 415, body: { error: { code: 'json_required' } } });
    expect(await new PauseStore(testRedis.redis).get({ kind: 'intake' })).toBeNull();
    // DNS rebinding: evil.example resolved to 127.0.0.1, the page reads with its own Host.
    expect(await getWithHost(`${url}/api/v1/state`, 'evil.example')).toBe(403);
    expect(await getWithHost(`${url}/queues/api/queues`, 'evil.example:9406')).toBe(403);
    expect(await getWithHost(`${url}/api/v1/state`, 'localhost:9406')).toBe(200);
    expect((await fetch(`${url}/api/v1/state`, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await fetch(`${url}/api/v1/state`, { headers: { origin: 'http://localhost:3000' } })).status).toBe(200);
  });
});

describe('metrics-exporter on loopback with apiOpenWrites and an allowed Host name', () => {
  let url = '';
  let runtime: ServiceRuntime;
  beforeAll(
    async () =>
      ({ url, runtime } = await startExporter(
        '127.0.0.1',
        ', apiOpenWrites: true, apiAllowedHosts: [nightshift.internal]',
      )),
  );
  afterAll(() => runtime?.shutdown('spec'));

  it('takes a JSON write without a token, answers the configured name, still refuses a foreign origin', async () => {
    expect((await post(`${url}/api/v1/pause`, {})).status).toBe(200);
    expect((await post(`${url}/api/v1/resume`, {}, { origin: 'https://evil.example' })).status).toBe(403);
    expect(await getWithHost(`${url}/api/v1/state`, 'nightshift.internal')).toBe(200);
    expect(await getWithHost(`${url}/api/v1/state`, 'other.internal')).toBe(403);
    expect((await post(`${url}/api/v1/resume`, {})).status).toBe(200);
  });
});

describe('metrics-exporter bound beyond loopback', () => {
  let url = '';
  let runtime: ServiceRuntime;
  beforeAll(async () => {
    process.env[TOKEN_ENV] = 's3cret-operator-token';
    ({ url, runtime } = await startExporter('0.0.0.0'));
  });
  afterAll(async () => {
    delete process.env[TOKEN_ENV];
    await runtime?.shutdown('spec');
  });

  it('refuses the API without the bearer token or with a wrong one, and answers with it', async () => {
    expect(await json(await fetch(`${url}/api/v1/state`))).toMatchObject({
      status: 401,
      body: { error: { code: 'token_required' } },
    });
    const wrong = await json(await fetch(`${url}/api/v1/state`, { headers: bearer('guess') }));
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'bad_token' } } });
    expect(JSON.stringify(wrong)).not.toContain('s3cret');
    expect(await json(await post(`${url}/api/v1/pause`, {}))).toMatchObject({ status: 401 });
    expect(await new PauseStore(testRedis.redis).get({ kind: 'intake' })).toBeNull();
    expect((await fetch(`${url}/api/v1/state`, { headers: bearer('s3cret-operator-token') })).status).toBe(200);
    expect((await post(`${url}/api/v1/pause`, {}, bearer('s3cret-operator-token'))).status).toBe(200);
  });

  it('keeps /metrics open for Prometheus and gates both queue boards', async () => {
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    expect((await fetch(`${url}/queues/api/queues`)).status).toBe(401);
    const admin = await json(
      await fetch(`${url}/queues/admin/api/queues`, { headers: bearer('s3cret-operator-token') }),
    );
    expect(admin.status).toBe(200);
    expect((admin.body['queues'] as Array<{ readOnlyMode: boolean }>).some((q) => q.readOnlyMode)).toBe(false);
  });
});
