import { handlerTable, MissingHandlerError } from './handler-table';

describe('handlerTable', () => {
  it('refuses to start without a handler for every job name', () => {
    expect(() => handlerTable('worktree.h1', ['a', 'b'] as const, { a: async () => 1 } as never)).toThrow(
      MissingHandlerError,
    );
    expect(() => handlerTable('worktree.h1', ['a'] as const, { a: async () => 1, b: async () => 2 } as never)).toThrow(
      /unknown handlers b/,
    );
  });

  it('dispatches by job name', async () => {
    const dispatch = handlerTable('q', ['a', 'b'] as const, { a: async () => 'A', b: async () => 'B' });
    expect(await dispatch({ name: 'b' })).toBe('B');
    await expect(dispatch({ name: 'c' })).rejects.toThrow(/no handler for job c/);
  });
});
