/** Every Redis key Nightshift owns, in one place (wire format: renaming one strands live state). */
export const KEY = {
  claim: (ticket: string) => `nightshift:claim:${ticket}`,
  attempts: (ticket: string) => `nightshift:attempts:${ticket}`,
  launches: (ticket: string) => `nightshift:launches:${ticket}`,
  cooldown: (ticket: string) => `nightshift:cooldown:${ticket}`,
  once: (marker: string) => `nightshift:once:${marker}`,
  cancelAsked: (runId: string) => `nightshift:cancel-asked:${runId}`,
  runs: 'nightshift:runs',
  runsByTime: 'nightshift:runs:by-time',
  sessions: 'nightshift:sessions',
} as const;
