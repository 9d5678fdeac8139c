/** A CLI cannot express a repo's permission rules: the launch is refused rather than run looser. */
export class UnexpressiblePermissionsError extends Error {
  override readonly name = 'UnexpressiblePermissionsError';

  constructor(
    readonly kind: string,
    readonly rules: readonly string[],
    reason: string,
  ) {
    super(
      `${kind} cannot express ${rules.length === 1 ? 'the rule' : 'the rules'} ${rules.join(', ')}: ${reason}. ` +
        'Run it contained (agent.sandbox: podman, or external on a disposable machine), or use claude-code for this repo.',
    );
  }
}
