import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { type NightshiftConfig, parseConfig } from '@nightshift/config';
import { ServiceRuntime } from '@nightshift/service-shell';
import { EventLog, RunStore } from '@nightshift/state';
import { useTestRedis } from '@nightshift/testing-fakes';

import { buildMetricsExporter } from '../metrics-exporter';

const testRedis = useTestRedis();
const TOKEN_ENV = 'NS_CONSOLE_SPEC_TOKEN';
const TOKEN = 'console-spec-operator-token';

function configFor(host: string, tracker = ''): NightshiftConfig {
  const yaml = `
${tracker}
repos: [{ name: api, remote: ./api.git }]
hosts: [{ name: h1, capabilities: [linux], slots: 3 }]
http: { host: "${host}" }
observability: { apiTokenEnv: ${TOKEN_ENV} }
logLevel: warn
`;
  return parseConfig(yaml, '/tmp/console-spec/nightshift.yaml');
}

async function startExporter(host: string, tracker = ''): Promise<{ url: string; runtime: ServiceRuntime }> {
  const config = configFor(host, tracker);
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

const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

async function logIn(url: string): Promise<string> {
  const res = await postJson(`${url}/console/login`, { name: 'dana', token: TOKEN });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** A stream's opening (its `: open` comment), then its first message whose data matches; then it is closed. */
function sseStream(
  url: string,
  match: RegExp,
): { opened: Promise<void>; first: Promise<{ type: string; message: string }> } {
  let opened: () => void = () => undefined;
  const openedP = new Promise<void>((r) => (opened = r));
  const first = new Promise<{ type: string; message: string }>((resolve, reject) => {
    const req = httpRequest(url, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        if (buf.startsWith(': open\n\n')) opened();
        const message = buf.split('\n\n').find((m) => match.test(m));
        if (message) {
          resolve({ type: String(res.headers['content-type']), message });
          req.destroy();
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
  return { opened: openedP, first };
}

describe('the operator console on loopback', () => {
  let url = '';
  let runtime: ServiceRuntime;
  beforeAll(async () => {
    process.env[TOKEN_ENV] = TOKEN;
    ({ url, runtime } = await startExporter('127.0.0.1'));
  });
  afterAll(async () => {
    delete process.env[TOKEN_ENV];
    await runtime?.shutdown('spec');
  });

  it('logs in with the token: an HttpOnly SameSite=Strict cookie without the token; a wrong token gets none', async () => {
    const wrong = await postJson(`${url}/console/login`, { name: 'dana', token: 'not-it' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const res = await postJson(`${url}/console/login`, { name: 'dana', token: TOKEN });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^nightshift_console=[^;]+; Max-Age=\d+; HttpOnly; SameSite=Strict; Path=\//);
    expect(cookie).not.toContain(TOKEN);
  });

  it('with the cookie, an action through /api/v1 acts and the event says who; without it, it is refused', async () => {
    const anonymous = await postJson(`${url}/api/v1/pause`, { reason: 'nobody' });
    expect(anonymous.status).toBe(401);
    const cookie = await logIn(url);
    const paused = await postJson(`${url}/api/v1/pause`, { reason: 'from the console' }, { cookie });
    expect(paused.status).toBe(200);
    const started = (await new EventLog(testRedis.redis).read()).find((e) => e.type === 'pause.started');
    expect(started?.detail).toMatchObject({ scope: 'intake', by: 'console:dana' });
    const resumed = await postJson(`${url}/api/v1/resume`, {}, { cookie });
    expect(resumed.status).toBe(200);
  });

  it('pauses and resumes one ticket, recorded with who did it', async () => {
    const cookie = await logIn(url);
    const paused = await postJson(`${url}/api/v1/pause`, { ticket: 'NS-5', reason: 'looks risky' }, { cookie });
    expect(paused.status).toBe(200);
    const started = (await new EventLog(testRedis.redis).read()).find(
      (e) => e.type === 'pause.started' && e.detail?.['scope'] === 'ticket NS-5',
    );
    expect(started?.detail).toMatchObject({ reason: 'looks risky', by: 'console:dana' });
    const overview = await (await fetch(`${url}/console`, { headers: { cookie } })).text();
    expect(overview).toMatch(/ticket NS-5[\s\S]*looks risky[\s\S]*console:dana[\s\S]*Resume ticket NS-5/);
    expect((await postJson(`${url}/api/v1/resume`, { ticket: 'NS-5' }, { cookie })).status).toBe(200);
  });

  it('refuses a forged post that carries the cookie: a form body, or a foreign Origin', async () => {
    const cookie = await logIn(url);
    const form = await fetch(`${url}/api/v1/pause`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', cookie },
      body: '{"reason":"forged"}',
    });
    expect(form.status).toBe(415);
    const foreign = await postJson(`${url}/api/v1/pause`, {}, { cookie, origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    const login = await postJson(
      `${url}/console/login`,
      { name: 'x', token: TOKEN },
      { origin: 'https://evil.example' },
    );
    expect(login.status).toBe(403);
    expect((await new EventLog(testRedis.redis).read()).filter((e) => e.detail?.['reason'] === 'forged')).toEqual([]);
  });

  it('serves pages read-only without the token: no action buttons, and a strict CSP', async () => {
    const res = await fetch(`${url}/console`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const body = await res.text();
    expect(body).toContain('Read-only');
    expect(body).not.toContain('data-post="/api');
    const operator = await (await fetch(`${url}/console`, { headers: { cookie: await logIn(url) } })).text();
    expect(operator).toContain('Operator: dana');
    expect(operator).toContain('data-post="/api/v1/pause"');
  });

  it('streams new events over SSE', async () => {
    const { opened, first } = sseStream(`${url}/console/stream`, /config\.reloaded/);
    // The stream starts after the newest event: append once it is open.
    await opened;
    await new EventLog(testRedis.redis).append({ type: 'config.reloaded', detail: { by: 'spec' } });
    const { type, message } = await first;
    expect(type).toBe('text/event-stream; charset=utf-8');
    expect(message).toMatch(/^id: \d+-\d+\nevent: event\ndata: \{"type":"config\.reloaded".*"text":".*by=spec"\}$/);
  });
});

/** Every message of a stream until it ends. */
function allSse(url: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (buf += chunk));
      res.on('end', () => resolve(buf.split('\n\n').filter((m) => m.startsWith('event:'))));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the console transcript stream', () => {
  let url = '';
  let runtime: ServiceRuntime;
  beforeAll(async () => {
    process.env[TOKEN_ENV] = TOKEN;
    ({ url, runtime } = await startExporter('127.0.0.1'));
  });
  afterAll(async () => {
    delete process.env[TOKEN_ENV];
    await runtime?.shutdown('spec');
  });

  it("streams a session's log as transcript lines, redacted, and ends with its outcome", async () => {
    const logPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'console-spec-')), 'NS-7.1.jsonl');
    const said = { type: 'text', text: `the token is ${TOKEN} <b>bold</b>` };
    writeFileSync(
      logPath,
      [
        JSON.stringify({ type: 'system', subtype: 'init', model: 'm', cwd: '/w' }),
        JSON.stringify({ type: 'assistant', message: { content: [said] } }),
      ].join('\n') + '\n',
    );
    await new RunStore(testRedis.redis).save({
      runId: 'NS-7.1',
      tickets: ['NS-7'],
      repo: 'api',
      host: 'h1',
      model: 'm',
      attempt: 1,
      startedAt: new Date().toISOString(),
      logPath,
      outcome: 'success',
    });
    const messages = await allSse(`${url}/console/sessions/NS-7.1/stream`);
    expect(messages).toEqual([
      'event: line\ndata: {"kind":"session","text":"session started: model m, in /w"}',
      'event: line\ndata: {"kind":"said","text":"agent: the token is [redacted] <b>bold</b>"}',
      'event: end\ndata: {"outcome":"success","reason":""}',
    ]);
  });
});

describe('the console transcript stream of a settling run', () => {
  let url = '';
  let runtime: ServiceRuntime;
  beforeAll(async () => {
    process.env[TOKEN_ENV] = TOKEN;
    ({ url, runtime } = await startExporter('127.0.0.1'));
  });
  afterAll(async () => {
    delete process.env[TOKEN_ENV];
    await runtime?.shutdown('spec');
  });

  it('ends only once the run has settled (checks, push and PR done), as logs --follow', async () => {
    const logPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'console-spec-')), 'NS-8.1.jsonl');
    writeFileSync(logPath, `${JSON.stringify({ type: 'system', subtype: 'init', model: 'm', cwd: '/w' })}\n`);
    const record = {
      runId: 'NS-8.1',
      tickets: ['NS-8'],
      repo: 'api',
      host: 'h1',
      model: 'm',
      attempt: 1,
      startedAt: new Date().toISOString(),
      logPath,
      outcome: 'success' as const,
    };
    const runs = new RunStore(testRedis.redis);
    await runs.save({ ...record, settling: true });
    let settled = false;
    let appended = false;
    const later = { type: 'text', text: 'still settling' };
    const ended = new Promise<boolean>((resolve, reject) => {
      const req = httpRequest(`${url}/console/sessions/NS-8.1/stream`, (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          // A later line arriving proves the stream kept reading while the run settled; then it settles.
          if (buf.includes('event: end')) resolve(settled);
          else if (buf.includes('still settling') && !settled) {
            settled = true;
            void runs.save(record);
          } else if (buf.includes('session started') && !appended) {
            appended = true;
            appendFileSync(logPath, `${JSON.stringify({ type: 'assistant', message: { content: [later] } })}\n`);
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(await ended).toBe(true);
  });
});

describe('the operator console on a public bind', () => {
  let url = '';
  let runtime: ServiceRuntime;
  beforeAll(async () => {
    process.env[TOKEN_ENV] = TOKEN;
    ({ url, runtime } = await startExporter('0.0.0.0'));
  });
  afterAll(async () => {
    delete process.env[TOKEN_ENV];
    await runtime?.shutdown('spec');
  });

  it('sends a caller without the token to the login form, and shows nothing, not even read-only', async () => {
    const res = await fetch(`${url}/console/tickets`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/console/login');
    expect((await fetch(`${url}/console/stream`)).status).toBe(401);
    expect((await fetch(`${url}/console/login`)).status).toBe(200);
  });
});

describe("the operator console without the tracker's token", () => {
  let url = '';
  let runtime: ServiceRuntime;
  beforeAll(async () => {
    process.env[TOKEN_ENV] = TOKEN;
    delete process.env['NS_CONSOLE_SPEC_LINEAR'];
    ({ url, runtime } = await startExporter(
      '127.0.0.1',
      'tracker: { kind: linear, tokenEnv: NS_CONSOLE_SPEC_LINEAR, teams: [{ key: ENG }] }',
    ));
  });
  afterAll(async () => {
    delete process.env[TOKEN_ENV];
    await runtime?.shutdown('spec');
  });

  it('starts and serves the other views; Tickets and Retry say the tracker cannot be used, and why', async () => {
    expect((await fetch(`${url}/console`)).status).toBe(200);
    const tickets = await (await fetch(`${url}/console/tickets`)).text();
    expect(tickets).toMatch(/The tracker did not answer: .*NS_CONSOLE_SPEC_LINEAR/);
    const cookie = await logIn(url);
    const retry = await postJson(`${url}/api/v1/tickets/ENG-1/retry`, {}, { cookie });
    expect(retry.status).toBe(503);
    expect(JSON.stringify(await retry.json())).toMatch(/tracker_unavailable.*NS_CONSOLE_SPEC_LINEAR/);
  });
});
