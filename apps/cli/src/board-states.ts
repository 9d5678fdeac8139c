import { didYouMean, type NightshiftConfig } from '@nightshift/config';

import { BadInputError } from './errors/bad-input.error';

/** Every state of the workflow `tracker.states` names: the only places a ticket is watched from. */
export function configuredStates(config: NightshiftConfig): string[] {
  const s = config.tracker.states;
  return [...new Set([...s.queue, s.inProgress, s.inReview, s.needsHuman, s.done])];
}

/** `state` when it is configured; otherwise throws naming the states (and the one probably meant). */
export function assertConfiguredState(config: NightshiftConfig, state: string): string {
  const states = configuredStates(config);
  if (states.includes(state)) return state;
  const near = didYouMean(state, states);
  throw new BadInputError(
    `"${state}" is not a state of this workflow${near ? `: did you mean "${near}"?` : ''} (tracker.states in ${config.file}: ${states.map((s) => `"${s}"`).join(', ')})`,
  );
}
