/** A branch name or remote that git would reject or read as an option; refused before git ever sees it (a bad argument, hence a TypeError). */
export class InvalidRefError extends TypeError {
  override readonly name = 'InvalidRefError';
  constructor(
    readonly kind: string,
    readonly value: string,
    reason: string,
  ) {
    super(`invalid ${kind} ${JSON.stringify(value)}: ${reason}`);
  }
}
