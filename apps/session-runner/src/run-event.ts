import type { RunRecord } from '@nightshift/contracts';

/** Who an event of this run is about: repo, host, run and its lead ticket. */
export function runEventBase(record: RunRecord): {
  repo: string;
  host: string;
  run: string;
  ticket: string | undefined;
} {
  return { repo: record.repo, host: record.host, run: record.runId, ticket: record.tickets[0] };
}
