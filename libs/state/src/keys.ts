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
} as const;
