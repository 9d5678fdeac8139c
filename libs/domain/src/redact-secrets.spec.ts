import { declareSecretEnvNames, redactSecrets, secretValuesFromEnv } from './redact-secrets';

describe('redactSecrets', () => {
  it.each([
    [
      'user:pass in a URL',
      'push to https://user:hunter22@github.com/o/r.git failed',
      'push to https://***@github.com/o/r.git failed',
    ],
    [
      'a bare token as the URL user',
      'clone https://ghs_16C7e42F292c6912E7710c838347Ae178B4a@github.com/o/r',
      'clone https://***@github.com/o/r',
    ],
    ['https://TOKEN@host', 'remote https://TOKEN@host/repo.git', 'remote https://***@host/repo.git'],
    [
      'x-access-token in a URL',
      "fatal: unable to access 'https://x-access-token:ghs_abc@github.com/o/r/'",
      "fatal: unable to access 'https://***@github.com/o/r/'",
    ],
    [
      'x-access-token outside a URL',
      'credential x-access-token:s3cr3tvalue@github.com',
      'credential x-access-token:***@github.com',
    ],
    [
      'a Redis password with no user',
      'no Redis at redis://:s3cret-pass@10.0.0.5:6379',
      'no Redis at redis://***@10.0.0.5:6379',
    ],
    [
      'two URLs in one line',
      'ssh://git@host:22/r.git and http://a:b@c/d',
      'ssh://***@host:22/r.git and http://***@c/d',
    ],
    ['scp-style git remotes are not credentials', 'git@github.com:o/r.git', 'git@github.com:o/r.git'],
    [
      'an Authorization: Bearer header',
      'curl -H "Authorization: Bearer abc.def-123" x',
      'curl -H "Authorization: Bearer [redacted]" x',
    ],
    ['an Authorization: token header', 'Authorization: token 0123456789abcdef', 'Authorization: token [redacted]'],
    [
      'an authorization header as JSON',
      '{"authorization":"Basic dXNlcjpwYXNz"}',
      '{"authorization":"Basic [redacted]"}',
    ],
    ['a bare bearer token', 'sent Bearer eyJhbGciOi.J9xx', 'sent Bearer [redacted]'],
    ['a token query parameter', 'GET /x?token=abcdef123&page=2', 'GET /x?token=[redacted]&page=2'],
    ['a classic GitHub token', 'token is ghp_abcdefABCDEF123456 ok', 'token is [redacted] ok'],
    ['a fine-grained GitHub token', 'github_pat_11ABCDEFG0123456789_abcdefXYZ', '[redacted]'],
    ['a Linear API key', 'key lin_api_0123456789abcdef', 'key [redacted]'],
    ['an Anthropic key', 'ANTHROPIC sk-ant-api03-abcdefghijkl', 'ANTHROPIC [redacted]'],
    ['a Slack token', 'slack xoxb-1234-5678-abcdefgh', 'slack [redacted]'],
    [
      'plain text is untouched',
      'task-failed: 3 tests failed in https://github.com/o/r/pull/4',
      'task-failed: 3 tests failed in https://github.com/o/r/pull/4',
    ],
  ])('%s', (_what, input, expected) => {
    expect(redactSecrets(input, [])).toBe(expected);
  });

  it('replaces every known secret value, the longest first', () => {
    expect(
      redactSecrets('a=tok_supersecret_4711 b=tok_supersecret_4711-extra', [
        'tok_supersecret_4711',
        'tok_supersecret_4711-extra',
      ]),
    ).toBe('a=[redacted] b=[redacted]');
  });

  it('takes secret values from env vars whose names say so, and from names the config declares', () => {
    const env = { GITHUB_TOKEN: 'ghp_abcdef123456', LOG_LEVEL: 'info', SHORT_TOKEN: 'abc', MY_LINEAR: 'plainvalue42' };
    expect(secretValuesFromEnv(env)).toEqual(['ghp_abcdef123456']);
    declareSecretEnvNames(['MY_LINEAR']);
    expect(secretValuesFromEnv(env)).toEqual(['ghp_abcdef123456', 'plainvalue42']);
    expect(redactSecrets('linear said plainvalue42', secretValuesFromEnv(env))).toBe('linear said [redacted]');
  });
});
