/** Every Redis key Nightshift owns, in one place (wire format: renaming one strands live state). */
export const KEY = {
  claim: (ticket: string) => `nightshift:claim:${ticket}`,
  attempts: (ticket: string) => `nightshift:attempts:${ticket}`,
  launches: (ticket: string) => `nightshift:launches:${ticket}`,
  cooldown: (ticket: string) => `nightshift:cooldown:${ticket}`,
  once: (marker: string) => `nightshift:once:${marker}`,
  runs: 'nightshift:runs',
  runsByTime: 'nightshift:runs:by-time',
  sessions: 'nightshift:sessions',
  host: (name: string) => `nightshift:host:${name}`,
  hosts: 'nightshift:hosts',
} as const;
