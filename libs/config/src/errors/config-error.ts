/**
 * nightshift.yaml could not be read (`missing`: not there) or is invalid. The message names the file,
 * and for each problem the path inside it, the reason and the line and column.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly problems: string[],
    readonly kind: 'invalid' | 'missing' | 'unreadable' = 'invalid',
  ) {
    super(
      kind === 'missing'
        ? `${file} not found: ${problems.join('; ')}`
        : `${file} ${kind === 'unreadable' ? 'cannot be read' : 'is invalid'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}
