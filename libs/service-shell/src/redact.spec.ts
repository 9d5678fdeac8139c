import { Writable } from 'node:stream';
import { redactSecrets, secretValuesFromEnv } from './redact';
import { createLogger } from './logger';

describe('redactSecrets', () => {
  it('removes secret env values and URL credentials', () => {
    const secrets = secretValuesFromEnv({ GITHUB_TOKEN: 'ghp_abcdef123456', LOG_LEVEL: 'info', SHORT_TOKEN: 'abc' });
    expect(secrets).toEqual(['ghp_abcdef123456']);
    expect(redactSecrets('push to https://x:ghp_abcdef123456@github.com/o/r failed (ghp_abcdef123456)', secrets)).toBe(
      'push to https://***@github.com/o/r failed ([redacted])',
    );
  });

  it('removes a password given with no user name, as Redis URLs do', () => {
    expect(redactSecrets('no Redis at redis://:s3cret-pass@10.0.0.5:6379', [])).toBe('no Redis at redis://***@10.0.0.5:6379');
  });
});

describe('createLogger', () => {
  it('redacts secrets by key and by value', async () => {
    process.env['NIGHTSHIFT_TEST_API_KEY'] = 'lin_api_supersecretvalue';
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => { lines.push(chunk.toString()); done(); } });
    const logger = createLogger('test', 'info', sink);
    logger.info({ token: 'tok-123456789', headers: { authorization: 'Bearer xyz' } }, 'calling with lin_api_supersecretvalue');
    await new Promise((r) => setImmediate(r));
    delete process.env['NIGHTSHIFT_TEST_API_KEY'];
    const out = lines.join('');
    expect(out).toContain('calling with');
    expect(out).not.toContain('tok-123456789');
    expect(out).not.toContain('Bearer xyz');
    expect(out).not.toContain('lin_api_supersecretvalue');
  });
});
