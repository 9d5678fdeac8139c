import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { freePort } from '@nightshift/service-shell';

import { Pipeline, UpProcess } from './harness';

jest.setTimeout(90_000);

/**
 * A setup that cannot work is refused at once, with doctor's own one-line reasons, instead of services that
 * stay up doing nothing (a missing LINEAR_API_KEY) or take tickets they can never run (a missing agent CLI).
 */
describe('a broken setup', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'] });
  });
  afterAll(() => pipeline?.stop());
  // Without the refusal, `up` would start everything: stop whatever a failing test left running.
  const ups: UpProcess[] = [];
  afterEach(async () => {
    await Promise.all(ups.splice(0).map((u) => u.stop()));
  });

  const configWith = (name: string, extra: string): string => {
    const file = path.join(pipeline.dir, name);
    const remote = path.join(pipeline.dir, 'remotes/alpha.git');
    writeFileSync(file, `repos: [{ name: alpha, remote: ${JSON.stringify(remote)} }]\n${extra}`);
    return file;
  };

  it('`up` refuses to start on a missing tracker token and a missing agent CLI, naming both as doctor does', async () => {
    const file = configWith(
      'broken.yaml',
      'tracker: { kind: linear, teams: [{ key: ENG }] }\nagent: { command: no-such-agent-cli }\n',
    );
    const up = new UpProcess(file, { LINEAR_API_KEY: '' });
    ups.push(up);

    expect(await up.exited).toBe(2);
    expect(up.output).toMatch(/^\[up\] FAIL\s+secrets\s+LINEAR_API_KEY is not set .*— fix: export LINEAR_API_KEY/m);
    expect(up.output).toMatch(/^\[up\] FAIL\s+agent\s+agent CLI "no-such-agent-cli" not found or not executable/m);
    expect(up.output).toMatch(/^nightshift: refusing to start: 2 check\(s\) failed/m);
    expect(up.output).not.toContain('started redis-server');
    expect(up.output).not.toContain('services starting');
  });

  it('`up` refuses to start when the configured Redis does not answer', async () => {
    const file = configWith('no-redis.yaml', '');
    const up = new UpProcess(file, { REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    ups.push(up);

    expect(await up.exited).toBe(2);
    expect(up.output).toMatch(
      /^\[up\] FAIL\s+redis\s+.*no Redis at redis:\/\/127\.0\.0\.1:\d+.* — fix: start that Redis/m,
    );
    expect(up.output).not.toContain('services starting');
  });

  it('a service whose tracker token is missing exits non-zero with one line, instead of idling alive', async () => {
    const linear = await Pipeline.start({
      repos: ['alpha'],
      config: { tracker: { kind: 'linear', teams: [{ key: 'ENG' }] } },
    });
    try {
      const scanner = linear.spawn('ticket-scanner', { LINEAR_API_KEY: '' });

      expect(await scanner.exited).toMatchObject({ code: 2 });
      expect(scanner.output.filter((l) => l.includes('cannot start'))).toEqual([
        expect.stringMatching(
          /^nightshift ticket-scanner: cannot start: MissingSecretError: The environment variable LINEAR_API_KEY/,
        ),
      ]);
      expect(scanner.output.join('\n')).not.toContain('unhandled rejection');
    } finally {
      await linear.stop();
    }
  });
});
