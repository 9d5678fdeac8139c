/** Every Redis key Nightshift owns, in one place (wire format: renaming one strands live state). */
export const KEY = {
  claim: (ticket: string) => `nightshift:claim:${ticket}`,
  attempts: (ticket: string) => `nightshift:attempts:${ticket}`,
  launches: (ticket: string) => `nightshift:launches:${ticket}`,
  cooldown: (ticket: string) => `nightshift:cooldown:${ticket}`,
  infraStreak: (ticket: string) => `nightshift:infra-streak:${ticket}`,
  once: (marker: string) => `nightshift:once:${marker}`,
  cancelAsked: (runId: string) => `nightshift:cancel-asked:${runId}`,
  runs: 'nightshift:runs',
  runsByTime: 'nightshift:runs:by-time',
  sessions: 'nightshift:sessions',
  host: (name: string) => `nightshift:host:${name}`,
  hosts: 'nightshift:hosts',
  /** When a ticket was first seen In Progress with nothing working on it (the stranded-ticket sweep). */
  stranded: (ticket: string) => `nightshift:stranded:${ticket}`,
  trackerLastSuccess: 'nightshift:tracker:last-success',
  /** Runs holding one of a repo's `maxConcurrent` slots (sorted set scored by lease expiry). */
  repoSlots: (repo: string) => `nightshift:repo-slots:${repo}`,
  /** Follow-up rounds started per ticket (review feedback on its open PR). */
  followUpRounds: (ticket: string) => `nightshift:followup-rounds:${ticket}`,
  /** Set by the follow-up policy when it sends an In Review ticket back for a follow-up; read by the router. */
  followUpPending: (ticket: string) => `nightshift:followup-pending:${ticket}`,
} as const;
