import { decideInfraRetry, infraFingerprint, MAX_INFRA_RETRY_DELAY_MS } from './infra-retry';

describe('decideInfraRetry', () => {
  const opts = { maxInfraRetries: 5, retryDelayMs: 60_000 };

  it('doubles the delay after each infrastructure failure in a row, then hands the ticket to a human at the bound', () => {
    expect([1, 2, 3, 4].map((n) => decideInfraRetry(n, opts))).toEqual([
      { kind: 'retry', delayMs: 60_000 },
      { kind: 'retry', delayMs: 120_000 },
      { kind: 'retry', delayMs: 240_000 },
      { kind: 'retry', delayMs: 480_000 },
    ]);
    expect(decideInfraRetry(5, opts)).toEqual({ kind: 'needs_human' });
    expect(decideInfraRetry(9, opts)).toEqual({ kind: 'needs_human' });
  });

  it('never waits longer than an hour', () => {
    expect(decideInfraRetry(30, { maxInfraRetries: 100, retryDelayMs: 60_000 })).toEqual({
      kind: 'retry',
      delayMs: MAX_INFRA_RETRY_DELAY_MS,
    });
  });
});

describe('infraFingerprint', () => {
  const ticket = { title: 'T', description: 'D', labels: ['b', 'a'] };
  const config = { agent: { command: 'claude' } };

  it('changes with the ticket text or the config, not with label order', () => {
    const base = infraFingerprint(ticket, config);
    expect(infraFingerprint({ ...ticket, labels: ['a', 'b'] }, config)).toBe(base);
    expect(infraFingerprint({ ...ticket, description: 'D2' }, config)).not.toBe(base);
    expect(infraFingerprint({ ...ticket, title: 'T2' }, config)).not.toBe(base);
    expect(infraFingerprint(ticket, { agent: { command: '/usr/local/bin/claude' } })).not.toBe(base);
  });
});
