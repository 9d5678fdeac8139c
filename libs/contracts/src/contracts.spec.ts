import { EVENT_TYPES, intakeJobId, JOB, QUEUE_JOBS, sessionJobId, sessionQueueName, worktreeQueueName } from './index';

describe('the wire contract', () => {
  it('names queues without ":" (BullMQ refuses it) and per capability / host', () => {
    expect(sessionQueueName('mobile')).toBe('session.mobile');
    expect(worktreeQueueName('mac-1')).toBe('worktree.mac-1');
    for (const name of [sessionQueueName('linux'), worktreeQueueName('h')]) expect(name).not.toContain(':');
  });

  it('gives every job name to exactly one queue family', () => {
    const assigned = Object.values(QUEUE_JOBS).flat();
    expect([...assigned].sort()).toEqual(Object.values(JOB).sort());
    expect(new Set(assigned).size).toBe(assigned.length);
  });

  it('derives job ids from the ticket, so the same ticket maps to the same id and odd keys stay one token', () => {
    expect(intakeJobId('ENG-1')).toBe(intakeJobId('ENG-1'));
    expect(intakeJobId('ENG-1')).not.toBe(intakeJobId('ENG-2'));
    expect(intakeJobId('a:b/c d')).toBe('intake-a%3Ab%2Fc%20d');
    expect(sessionJobId('ENG-1.3')).toBe('session-ENG-1.3');
  });

  it('has no duplicate event types', () => {
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
  });
});
