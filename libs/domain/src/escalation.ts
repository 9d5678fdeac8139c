export interface ModelPolicy {
  model: string;
  escalationModel: string;
  escalateAfter: number;
}

/** The model for the next launch: the cheap default until `escalateAfter` attempts were spent. */
export function chooseModel(policy: ModelPolicy, attemptsSpent: number): string {
  return attemptsSpent >= policy.escalateAfter ? policy.escalationModel : policy.model;
}
