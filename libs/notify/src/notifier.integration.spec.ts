import { Writable } from 'node:stream';

import { createLogger } from '@nightshift/service-shell';
import { startFakeSlack } from '@nightshift/testing-fakes';

import { notifierFromEnv, SlackNotifier } from './notifier';

function captureLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write: (c: Buffer, _e, done) => {
      lines.push(c.toString());
      done();
    },
  });
  return { logger: createLogger('notify-test', 'info', sink), lines };
}

describe('SlackNotifier', () => {
  it('posts the text with secrets redacted', async () => {
    const slack = await startFakeSlack();
    process.env['NIGHTSHIFT_TEST_TOKEN'] = 'ghp_secretvalue42';
    try {
      const { logger } = captureLogger();
      await new SlackNotifier(slack.url, logger).notify({
        kind: 'pause',
        text: 'paused account main (token ghp_secretvalue42)',
      });
      expect(slack.bodies).toHaveLength(1);
      const body = JSON.parse(slack.bodies[0]!) as { text: string };
      expect(body.text).toContain('paused account main');
      expect(body.text).not.toContain('ghp_secretvalue42');
    } finally {
      delete process.env['NIGHTSHIFT_TEST_TOKEN'];
      await slack.close();
    }
  });

  it("escapes Slack's control syntax: a ticket title cannot ping the channel, a user or hide a link", async () => {
    const slack = await startFakeSlack();
    try {
      const { logger } = captureLogger();
      await new SlackNotifier(slack.url, logger).notify({
        kind: 'needs_human',
        text: 'ENG-1 needs a human: <!channel> <@U0123> see <https://evil.example|the docs> & more',
      });
      const body = JSON.parse(slack.bodies[0]!) as { text: string };
      expect(body.text).not.toMatch(/<[!@#]|<https?:/);
      expect(body.text).toContain(
        '&lt;!channel&gt; &lt;@U0123&gt; see &lt;https://evil.example|the docs&gt; &amp; more',
      );
    } finally {
      await slack.close();
    }
  });

  it('logs a refused post without throwing or logging the webhook URL', async () => {
    const slack = await startFakeSlack({ refuseWith: 500 });
    try {
      const { logger, lines } = captureLogger();
      await expect(
        new SlackNotifier(slack.url, logger).notify({ kind: 'resume', text: 'resumed' }),
      ).resolves.toBeUndefined();
      await new Promise((r) => setImmediate(r));
      expect(lines.join('')).toContain('refused');
      expect(lines.join('')).not.toContain(slack.url.split('/').at(-1)!);
    } finally {
      await slack.close();
    }
  });

  it('uses the log when no webhook is configured', () => {
    const { logger } = captureLogger();
    expect(notifierFromEnv(logger, 'SLACK_WEBHOOK_URL', {})).not.toBeInstanceOf(SlackNotifier);
    expect(notifierFromEnv(logger, 'SLACK_WEBHOOK_URL', { SLACK_WEBHOOK_URL: 'http://x' })).toBeInstanceOf(
      SlackNotifier,
    );
  });
});
