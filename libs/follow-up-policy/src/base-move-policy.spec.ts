import { decideBaseMove } from './base-move-policy';

const followUp = { enabled: true, maxRounds: 2, debounceSec: 600, maxLogBytes: 4000 };
const now = new Date('2026-01-01T12:00:00Z');
const input = { mode: 'rebase' as const, behind: true, clean: true, canRebase: true, roundsUsed: 0, now };

describe('decideBaseMove', () => {
  it('rebases a clean PR that can be rebased; leaves a clean one alone otherwise', () => {
    expect(decideBaseMove(followUp, input)).toEqual({ kind: 'rebase' });
    expect(decideBaseMove(followUp, { ...input, canRebase: false }).kind).toBe('none');
    expect(decideBaseMove(followUp, { ...input, mode: 'session' }).kind).toBe('none');
    expect(decideBaseMove(followUp, { ...input, behind: false }).kind).toBe('none');
    expect(decideBaseMove(followUp, { ...input, mode: 'off', clean: false }).kind).toBe('none');
  });

  it('sends a conflict to a session at once (no review debounce), counted in the rounds; capped past them', () => {
    expect(decideBaseMove(followUp, { ...input, clean: false })).toEqual({ kind: 'session', round: 1 });
    expect(decideBaseMove(followUp, { ...input, mode: 'session', clean: false, roundsUsed: 1 })).toEqual({
      kind: 'session',
      round: 2,
    });
    expect(decideBaseMove(followUp, { ...input, clean: false, roundsUsed: 2 })).toEqual({ kind: 'capped', rounds: 2 });
  });

  it('only notes a conflict in comment mode, or when follow-ups are off', () => {
    expect(decideBaseMove(followUp, { ...input, mode: 'comment', clean: false })).toEqual({ kind: 'comment' });
    expect(decideBaseMove({ ...followUp, enabled: false }, { ...input, clean: false })).toEqual({ kind: 'comment' });
  });
});
