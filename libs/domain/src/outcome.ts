/** Every way a session can end. Only some of them spend one of the ticket's attempts. */
export const OUTCOMES = [
  'success',
  'no_changes',
  'task_failed',
  'timeout',
  'stalled',
  'rate_limited',
  'auth_failed',
  'fast_fail',
  'infra_error',
  'canceled',
] as const;

export type Outcome = (typeof OUTCOMES)[number];

const SPENDS_ATTEMPT: ReadonlySet<Outcome> = new Set(['task_failed', 'timeout', 'stalled', 'no_changes']);

/** True when the outcome is the task's fault (not the infrastructure's) and so counts against the attempt budget. */
export function spendsAttempt(outcome: Outcome): boolean {
  return SPENDS_ATTEMPT.has(outcome);
}

export interface TokenUsage {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

export const ZERO_USAGE: TokenUsage = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
