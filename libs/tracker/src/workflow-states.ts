/** Tracker state names for each workflow role Nightshift moves a ticket through. */
export interface WorkflowStates {
  /** States a ticket may wait in to be picked up (the scanner lists all of them). */
  queue: string[];
  inProgress: string;
  inReview: string;
  done: string;
  needsHuman: string;
}

/**
 * The state names the local board uses unless config maps them otherwise. Frozen (array included)
 * because it is shared: a caller pushing a queue state would change every other caller's defaults.
 */
export const DEFAULT_WORKFLOW_STATES: Readonly<WorkflowStates> = Object.freeze({
  // Typed as string[] to match WorkflowStates; at run time the array is frozen, so a push throws.
  queue: Object.freeze(['Agent Queue']) as unknown as string[],
  inProgress: 'In Progress',
  inReview: 'In Review',
  done: 'Done',
  needsHuman: 'Needs Human',
});
