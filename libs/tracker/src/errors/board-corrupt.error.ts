/** A board file exists but cannot be read or parsed; the board refuses to overwrite it. */
export class BoardCorruptError extends Error {
  override readonly name = 'BoardCorruptError';

  constructor(
    readonly file: string,
    readonly reason: string,
    remedy = 'fix the JSON by hand or restore the file from a backup (moving it out of the directory drops that ticket), then retry',
  ) {
    super(
      `Local board file ${file} is unreadable or corrupt (${reason}). Nightshift will not overwrite it: ${remedy}.`,
    );
  }
}
