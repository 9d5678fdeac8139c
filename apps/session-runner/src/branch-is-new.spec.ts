import type { SessionJob } from '@nightshift/contracts';

import { branchIsNew } from './branch-is-new';

const job = (extra: Partial<SessionJob> = {}): SessionJob => ({
  runId: 'NS-1.1',
  repo: 'api',
  capability: 'linux',
  branch: 'agent/NS-1',
  tickets: ['NS-1'],
  model: 'cheap',
  attempt: 1,
  routedAt: '2026-12-01T00:00:00.000Z',
  ...extra,
});

describe('branchIsNew', () => {
  it('is true only for the first execution of a first launch that is not a follow-up', () => {
    expect(branchIsNew(job({ firstLaunch: true }), 1)).toBe(true);
    expect(branchIsNew(job({ firstLaunch: true }), undefined)).toBe(true);
  });

  it('is false for a redelivery (the crashed execution may have pushed), a later launch, a follow-up or an older job', () => {
    expect(branchIsNew(job({ firstLaunch: true }), 2)).toBe(false);
    expect(branchIsNew(job({ runId: 'NS-1.2' }), 1)).toBe(false);
    const followUp = {
      trigger: 'feedback' as const,
      round: 1,
      of: 3,
      prNumber: 7,
      prUrl: 'local://pr/7',
      since: '2026-12-01T00:00:00.000Z',
    };
    expect(branchIsNew(job({ firstLaunch: true, followUp }), 1)).toBe(false);
    expect(branchIsNew(job(), 1)).toBe(false);
  });
});
