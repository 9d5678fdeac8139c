import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '@nightshift/service-shell';
import { notifierFromEnv, SlackNotifier } from './notifier';

function captureLogger() {
  const lines: string[] = [];
  const sink = new Writable({ write: (c: Buffer, _e, done) => { lines.push(c.toString()); done(); } });
  return { logger: createLogger('notify-test', 'info', sink), lines };
}

/** A local server standing in for Slack's incoming webhook. */
async function fakeSlack(status = 200) {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(status).end(status === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/secretpath123`;
  return { url, bodies, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('SlackNotifier', () => {
  it('posts the text with secrets redacted', async () => {
    const slack = await fakeSlack();
    process.env['NIGHTSHIFT_TEST_TOKEN'] = 'ghp_secretvalue42';
    try {
      const { logger } = captureLogger();
      await new SlackNotifier(slack.url, logger).notify({ kind: 'pause', text: 'paused account main (token ghp_secretvalue42)' });
      expect(slack.bodies).toHaveLength(1);
      const body = JSON.parse(slack.bodies[0]!) as { text: string };
      expect(body.text).toContain('paused account main');
      expect(body.text).not.toContain('ghp_secretvalue42');
    } finally {
      delete process.env['NIGHTSHIFT_TEST_TOKEN'];
      await slack.close();
    }
  });

  it('logs a refused post without throwing or logging the webhook URL', async () => {
    const slack = await fakeSlack(500);
    try {
      const { logger, lines } = captureLogger();
      await expect(new SlackNotifier(slack.url, logger).notify({ kind: 'resume', text: 'resumed' })).resolves.toBeUndefined();
      await new Promise((r) => setImmediate(r));
      expect(lines.join('')).toContain('refused');
      expect(lines.join('')).not.toContain('secretpath123');
    } finally {
      await slack.close();
    }
  });

  it('uses the log when no webhook is configured', () => {
    const { logger } = captureLogger();
    expect(notifierFromEnv(logger, 'SLACK_WEBHOOK_URL', {})).not.toBeInstanceOf(SlackNotifier);
    expect(notifierFromEnv(logger, 'SLACK_WEBHOOK_URL', { SLACK_WEBHOOK_URL: 'http://x' })).toBeInstanceOf(SlackNotifier);
  });
});
