/** `up` refused to start: what doctor's checks found, one line per failed check (printed before this). */
export class SetupBrokenError extends Error {
  override readonly name = 'SetupBrokenError';
  constructor(readonly failures: string[]) {
    super(`refusing to start: ${failures.length} check(s) failed (the lines above; \`nightshift doctor\` checks all)`);
  }
}
