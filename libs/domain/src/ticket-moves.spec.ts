import { commentThenMove, moveAfterOutcome, type OutcomeFacts, stateFor, type TicketMove } from './ticket-moves';

const states = {
  queue: ['Agent Queue', 'Todo'],
  inProgress: 'In Progress',
  inReview: 'In Review',
  needsHuman: 'Needs Human',
};

describe('moveAfterOutcome', () => {
  const budget: OutcomeFacts = { maxAttempts: 3 };
  it.each<[string, Parameters<typeof moveAfterOutcome>[0], OutcomeFacts, TicketMove]>([
    ['success goes to review', 'success', budget, 'in_review'],
    [
      'a failure with attempts left goes back to the queue',
      'task_failed',
      { ...budget, attemptsSpent: 2 },
      'back_to_queue',
    ],
    ['the last attempt goes to a human', 'timeout', { ...budget, attemptsSpent: 3 }, 'needs_human'],
    [
      'no change that asks for a human goes to a human at once',
      'no_changes',
      { ...budget, attemptsSpent: 1, asksForHuman: true },
      'needs_human',
    ],
    ['an infra error goes back to the queue', 'infra_error', budget, 'back_to_queue'],
    ['exhausted infra retries go to a human', 'infra_error', { ...budget, infraRetriesExhausted: true }, 'needs_human'],
    ['a rate limit leaves the ticket where it is', 'rate_limited', budget, 'stays'],
    ['a refused auth leaves the ticket where it is', 'auth_failed', budget, 'stays'],
    [
      'a human cancel leaves the ticket where the human put it',
      'canceled',
      { ...budget, canceledByHuman: true },
      'stays',
    ],
    ['a shutdown cancel goes back to the queue', 'canceled', budget, 'back_to_queue'],
    ['a fast fail goes back to the queue', 'fast_fail', budget, 'back_to_queue'],
  ])('%s', (_what, outcome, facts, move) => {
    expect(moveAfterOutcome(outcome, facts)).toBe(move);
  });

  it('names the tracker state for each move', () => {
    expect(
      ['in_progress', 'in_review', 'needs_human', 'back_to_queue', 'stays'].map((m) =>
        stateFor(m as TicketMove, states),
      ),
    ).toEqual(['In Progress', 'In Review', 'Needs Human', 'Agent Queue', null]);
  });
});

describe('commentThenMove', () => {
  it('comments before it moves, and only moves without a comment', async () => {
    const calls: string[] = [];
    const tracker = {
      comment: async (k: string, b: string) => void calls.push(`comment ${k}: ${b}`),
      moveTo: async (k: string, s: string) => void calls.push(`move ${k} → ${s}`),
    };
    await commentThenMove(tracker, 'NS-1', 'why', 'Needs Human');
    await commentThenMove(tracker, 'NS-2', null, 'In Review');
    expect(calls).toEqual(['comment NS-1: why', 'move NS-1 → Needs Human', 'move NS-2 → In Review']);
  });
});
