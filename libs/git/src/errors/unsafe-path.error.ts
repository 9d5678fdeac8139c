/** A repo name or worktree key would put a path outside the store's root (or is not a plain safe token). */
export class UnsafePathError extends Error {
  override readonly name = 'UnsafePathError';
  constructor(
    readonly kind: string,
    readonly value: string,
    reason: string,
  ) {
    super(
      `unsafe ${kind} ${JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value)}: ${reason}; ` +
        'pass a key made by safeKey() from @nightshift/domain',
    );
  }
}
