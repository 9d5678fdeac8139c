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
  /** Ticket → the repo and branch of its latest run (a batch's lead branch): how a batch member finds its batch's PR. */
  ticketBranch: 'nightshift:runs:ticket-branch',
  sessions: 'nightshift:sessions',
  host: (name: string) => `nightshift:host:${name}`,
  /** The runners (replicas) serving one host: runner id → when its heartbeat expires, on Redis's clock. */
  /** Tickets left in the queue state for want of a slot: ticket → `<capability>|<ms>` (DispatchWaiting). */
  dispatchWaiting: 'nightshift:dispatch-waiting',
  hostRunners: (name: string) => `nightshift:host-runners:${name}`,
  hosts: 'nightshift:hosts',
  /** The state Nightshift itself last moved a ticket to (kept by the event log with each move it records). */
  placedBy: (ticket: string) => `nightshift:placed:${ticket}`,
  /** When a ticket was first seen In Progress with nothing working on it (the stranded-ticket sweep). */
  stranded: (ticket: string) => `nightshift:stranded:${ticket}`,
  trackerLastSuccess: 'nightshift:tracker:last-success',
  /** Tracker kind → how polling is slowed (JSON), absent while it polls at the configured interval. */
  trackerPollPace: 'nightshift:tracker:poll-pace',
  /** Runs holding one of a repo's `maxConcurrent` slots (sorted set scored by lease expiry). */
  repoSlots: (repo: string) => `nightshift:repo-slots:${repo}`,
  /** Follow-up rounds started per ticket (review feedback on its open PR). */
  /** Repo + branch → the commit Nightshift last pushed to it: the lease a rewrite (rebase) of the branch is pinned to. */
  pushedHeads: 'nightshift:pushed-heads',
  /** PR url → how it stands against its base (behind / conflicting / rebased …), for `nightshift prs`. */
  prBaseStanding: 'nightshift:pr-base-standing',
  followUpRounds: (ticket: string) => `nightshift:followup-rounds:${ticket}`,
  /** Set by the follow-up policy when it sends an In Review ticket back for a follow-up; read by the router. */
  followUpPending: (ticket: string) => `nightshift:followup-pending:${ticket}`,
  /** Token buckets of one credential's write limits (GitHub content creation), shared by every host. */
  contentBucket: (credential: string) => `nightshift:content-bucket:${credential}`,
  /** Held by the one router deciding what a capability's free slots take (dispatch rounds never overlap). */
  dispatchLock: (capability: string) => `nightshift:dispatch-lock:${capability}`,
} as const;
