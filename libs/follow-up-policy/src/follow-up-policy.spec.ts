import { decideFollowUp } from './follow-up-policy';

const policy = { enabled: true, maxRounds: 2, debounceSec: 60, maxLogBytes: 4000 };
const now = new Date('2026-01-01T12:00:00Z');
const ago = (sec: number) => new Date(now.getTime() - sec * 1000).toISOString();

describe('decideFollowUp', () => {
  it('starts the next round once the review has been quiet for debounceSec', () => {
    expect(decideFollowUp(policy, { trigger: 'feedback', roundsUsed: 0, newestFeedbackAt: ago(61), now })).toEqual({
      kind: 'start',
      round: 1,
    });
    expect(
      decideFollowUp(policy, { trigger: 'feedback', roundsUsed: 0, newestFeedbackAt: ago(10), now }),
    ).toMatchObject({ kind: 'wait', reason: expect.stringContaining('quiet for 10s of 60s') });
  });

  it('has nothing to do without feedback, and a human move needs none and no debounce', () => {
    expect(decideFollowUp(policy, { trigger: 'feedback', roundsUsed: 0, now })).toEqual({ kind: 'none' });
    expect(decideFollowUp(policy, { trigger: 'moved-back', roundsUsed: 1, now })).toEqual({ kind: 'start', round: 2 });
  });

  it('is capped once maxRounds are spent, whatever the trigger; off when disabled', () => {
    expect(decideFollowUp(policy, { trigger: 'feedback', roundsUsed: 2, newestFeedbackAt: ago(600), now })).toEqual({
      kind: 'capped',
      rounds: 2,
    });
    expect(decideFollowUp(policy, { trigger: 'moved-back', roundsUsed: 2, now })).toEqual({
      kind: 'capped',
      rounds: 2,
    });
    expect(decideFollowUp({ ...policy, enabled: false }, { trigger: 'moved-back', roundsUsed: 0, now })).toEqual({
      kind: 'none',
    });
  });
});
