/** A launch without `--model` would run on the CLI's default (expensive) model: refused before spawning. */
export class MissingModelError extends Error {
  override readonly name = 'MissingModelError';

  constructor() {
    super('agent run request has no model: every launch must name its model (agent.model in nightshift.yaml)');
  }
}
