import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { INTAKE_QUEUE, intakeJobId } from '@nightshift/contracts';
import { QueueEvents } from 'bullmq';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import { Pipeline, REPO_ROOT, type ServiceProcess, waitFor } from './harness';
import { chromiumAvailable, launchChromium, seriousA11yViolations } from './harness/browser';

const TOKEN = 'console-e2e-token-0123456789';
/** `NIGHTSHIFT_CONSOLE_SCREENSHOTS=1` writes each view to docs/console/ (run once by hand, committed). */
const SHOTS = process.env['NIGHTSHIFT_CONSOLE_SCREENSHOTS'] === '1' ? path.join(REPO_ROOT, 'docs/console') : null;

const suite = chromiumAvailable() ? describe : describe.skip;

/** The operator console in Debian's Chromium against a real pipeline: Redis, the services from dist, the fake agent. */
suite('the operator console in a browser', () => {
  let pipeline: Pipeline;
  let exporter: ServiceProcess;
  let base: string;
  let browser: Browser;
  let operator: BrowserContext;
  let page: Page;
  let gate: string;
  let running: string;

  beforeAll(async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'], config: { routing: { maxAttempts: 1, retryDelaySec: 1 } } });
    gate = path.join(pipeline.dir, 'gate');
    running = (await pipeline.board.add({ title: '[alpha] watch me', description: `fake-agent: gate=${gate}` })).key;
    pipeline.startAll();
    exporter = pipeline.spawn('metrics-exporter', { NIGHTSHIFT_API_TOKEN: TOKEN });
    base = await exporter.url;
    browser = await launchChromium();
    // axe-core is injected as a script: the console's CSP (script-src 'self') would refuse it otherwise.
    operator = await browser.newContext({ bypassCSP: true, viewport: { width: 1100, height: 900 } });
    page = await operator.newPage();
    await logIn(page, base);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await pipeline?.stop();
  });

  const started = async (key: string) =>
    (await pipeline.events.read()).some((e) => e.type === 'session.started' && e.ticket === key);
  const shoot = async (name: string) => {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  };
  const accessible = async (name: string) => {
    expect(await seriousA11yViolations(page)).toEqual([]);
    await shoot(name);
  };

  it('without the token it is read-only: no buttons, and neither a plain nor a cross-origin forged post acts', async () => {
    const anonymous = await browser.newContext();
    const reader = await anonymous.newPage();
    await reader.goto(`${base}/console`);
    await reader.getByText('Read-only').waitFor();
    expect(await reader.locator('button[data-post]').count()).toBe(0);
    const plain = await reader.evaluate(async () => {
      const res = await fetch('/api/v1/pause', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"reason":"anonymous"}',
      });
      return res.status;
    });
    expect(plain).toBe(401);

    // A page of another origin posts a form at the API with the operator's login cookie in the browser.
    const forger = http.createServer((_req, res) =>
      res.setHeader('content-type', 'text/html')
        .end(`<form method="post" action="${base}/api/v1/pause" enctype="text/plain">
<input name='{"reason":"forged","x":"' value='"}'></form><script>document.forms[0].submit()</script>`),
    );
    await new Promise<void>((r) => forger.listen(0, '127.0.0.1', r));
    try {
      const forged = page.waitForResponse((r) => r.url().endsWith('/api/v1/pause'));
      await page.goto(`http://127.0.0.1:${(forger.address() as AddressInfo).port}/`);
      expect([403, 415]).toContain((await forged).status());
    } finally {
      forger.close();
    }
    expect((await pipeline.events.read()).filter((e) => e.type === 'pause.started')).toEqual([]);
    await anonymous.close();
  });

  it('the overview shows the running swarm; the session view streams its transcript live', async () => {
    await waitFor('the gated session running', () => started(running), 60_000, 100);
    await page.goto(`${base}/console`);
    await page.locator('#running-count', { hasText: '1' }).waitFor();
    const hosts = page.locator('section[aria-labelledby="h-hosts"] tbody tr');
    await expect(hosts.first().textContent()).resolves.toMatch(/linux-1\s*live\s*\d\/4\s*linux/);
    await accessible('overview');

    await page.goto(`${base}/console/sessions`);
    await accessible('sessions');
    await page.getByRole('link', { name: running }).click();
    const transcript = page.locator('#transcript');
    await transcript.getByText(/^session started: model cheap-model/).waitFor();
    expect(await transcript.getByText(`agent: Made the change for ${running}.`).count()).toBe(0);
    await accessible('session-transcript');
    writeFileSync(gate, '');
    await transcript.getByText(`agent: Made the change for ${running}.`).first().waitFor({ timeout: 30_000 });
    await transcript.getByText('== ended: success').waitFor({ timeout: 30_000 });
    await shoot('session-transcript-ended');
  });

  it('Pause intake changes the status and no new session starts; Resume lets it start', async () => {
    await page.goto(`${base}/console`);
    await page.getByRole('button', { name: 'Pause intake' }).click();
    await page.locator('tr.pause', { hasText: 'intake' }).waitFor();
    expect(await page.locator('tr.pause').textContent()).toMatch(/intake.*paused from the console.*console:dana/s);
    const pausedBy = (await pipeline.events.read()).find((e) => e.type === 'pause.started');
    expect(pausedBy?.detail).toMatchObject({ scope: 'intake', by: 'console:dana' });

    const connection = pipeline.redis.duplicate({ maxRetriesPerRequest: null });
    const intake = new QueueEvents(INTAKE_QUEUE, { connection });
    try {
      await intake.waitUntilReady();
      let waiting = '';
      const held = new Promise<string>((resolve) =>
        intake.on('completed', ({ jobId, returnvalue }) => {
          if (waiting && jobId === intakeJobId(waiting)) resolve(JSON.stringify(returnvalue));
        }),
      );
      waiting = (await pipeline.board.add({ title: '[alpha] waits for the resume' })).key;
      await expect(held).resolves.toMatch(/intake paused/);
      expect(await started(waiting)).toBe(false);
      await shoot('overview-paused');

      await page.getByRole('button', { name: 'Resume intake' }).click();
      await page.getByText('Nothing paused.').waitFor();
      await waitFor('the held ticket started after Resume', () => started(waiting), 60_000, 100);
    } finally {
      await intake.close();
      connection.disconnect();
    }
    expect((await pipeline.events.read()).find((e) => e.type === 'pause.ended')?.detail?.['reason']).toBe(
      'resumed by console:dana',
    );
  });

  it('Retry on a Needs Human ticket requeues it; its title, with a script in it, shows as text', async () => {
    const title = '[alpha] <script>window.__pwned = 1</script> flaky';
    const key = (await pipeline.board.add({ title, description: 'fake-agent: fail' })).key;
    await waitFor(
      'the ticket in Needs Human',
      async () => (await pipeline.board.getTicket(key))?.state === 'Needs Human',
      60_000,
      100,
    );
    await page.goto(`${base}/console/tickets?state=Needs+Human`);
    const row = page.locator(`tr[data-ticket="${key}"]`);
    await expect(row.locator('.title').textContent()).resolves.toBe(title);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await expect(row.locator('.note').textContent()).resolves.toMatch(/^Needs Human: \S/);
    await accessible('tickets');

    await row.getByRole('button', { name: `Retry ${key}` }).click();
    await waitFor(
      'the ticket back out of Needs Human',
      async () => (await pipeline.board.getTicket(key))?.state !== 'Needs Human',
      30_000,
      100,
    );
    const retried = (await pipeline.events.read()).find((e) => e.type === 'ticket.retried' && e.ticket === key);
    expect(retried?.detail).toMatchObject({ by: 'console:dana', resetAttempts: true });
  });

  it('runs and cost, memory and events views pass the accessibility check', async () => {
    await page.goto(`${base}/console/runs?by=model`);
    await page.locator('figure.chart svg').waitFor();
    await accessible('runs');
    await page.goto(`${base}/console/memory`);
    await accessible('memory');
    await page.goto(`${base}/console/events`);
    await page.locator('#events li').first().waitFor();
    const before = await page.locator('#events li').count();
    await pipeline.events.append({ type: 'config.reloaded', detail: { by: 'e2e' } });
    await waitFor(
      'the new event listed live',
      async () => (await page.locator('#events li').count()) > before,
      10_000,
      50,
    );
    await accessible('events');

    // Readable on a phone: nothing wider than the screen but the tables, which scroll in their own box.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/console`);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await accessible('overview-phone');
  });
});

/** Logs in through the form, as dana. */
async function logIn(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/console/login`);
  await page.getByLabel('Your name (recorded with what you do)').fill('dana');
  await page.getByLabel('Operator token').fill(TOKEN);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/console$/);
}
