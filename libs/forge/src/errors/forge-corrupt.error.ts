/** The forge's records file exists but cannot be read or parsed; the forge refuses to overwrite it. */
export class ForgeCorruptError extends Error {
  override readonly name = 'ForgeCorruptError';

  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(
      `Local forge file ${file} is unreadable or corrupt (${reason}). Nightshift will not overwrite it ` +
        '(it is what prevents duplicate PRs): fix the JSON by hand or restore the file from a backup, then retry.',
    );
  }
}
