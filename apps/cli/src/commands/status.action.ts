import type { NightshiftConfig } from '@nightshift/config';
import type { RunRecord } from '@nightshift/contracts';
import { FleetStateReader } from '@nightshift/fleet';
import {
  describeScope,
  HostRegistry,
  type PollSlowdown,
  runRecordKey,
  RunStore,
  TrackerPolls,
} from '@nightshift/state';

import { formatTable } from '../format-table';
import { fleetHold, formatHosts } from '../hosts-table';
import { withRedis } from '../redis-client';
import { formatSessions, sessionViews } from '../sessions-table';

const PACE_REASONS: Record<PollSlowdown['reason'], string> = {
  'poll-share': 'polling at the configured interval would spend more than tracker.pollBudgetShare of the hourly budget',
  'budget-low': "the tracker's hourly budget is running low",
  'budget-spent':
    "the tracker's hourly budget is all but spent; polling waits for its reset (webhooks still bring tickets in)",
};

/** Pauses, queues, hosts and running sessions: the same reader as the metrics-exporter's /api/v1/state. */
export async function status(config: NightshiftConfig, opts: { json?: boolean }): Promise<void> {
  const status = await withRedis(config, async (redis) => {
    const reader = new FleetStateReader(redis, config);
    const fleet = await reader.read().finally(() => reader.close());
    const records = new Map<string, RunRecord>();
    for (const s of fleet.sessions) {
      const record = await new RunStore(redis).get(runRecordKey(s));
      if (record) records.set(runRecordKey(s), record);
    }
    return {
      ...fleet,
      registeredHosts: await new HostRegistry(redis).list(),
      pollSlowdowns: await new TrackerPolls(redis).slowdowns(),
      running: sessionViews(config, fleet.sessions, records),
    };
  });
  if (opts.json) return void process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
  const lines = [
    status.pauses.length === 0
      ? 'Nothing paused.'
      : formatTable(
          ['PAUSED', 'UNTIL', 'SINCE', 'BY', 'REASON'],
          status.pauses.map((p) => [describeScope(p.scope), p.until ?? 'resumed by hand', p.since, p.by, p.reason]),
        ),
  ];
  for (const [tracker, slow] of Object.entries(status.pollSlowdowns))
    lines.push(
      `Tracker polling (${tracker}) slowed to every ${slow.intervalSec}s since ${slow.since}: ${PACE_REASONS[slow.reason]}.`,
    );
  lines.push('', formatHosts(status.registeredHosts, Date.now(), fleetHold(status.pauses, config.agent.accounts)));
  lines.push(
    '',
    formatTable(
      ['QUEUE', 'WAITING', 'ACTIVE', 'DELAYED', 'FAILED', 'OLDEST WAITING'],
      status.queues.map((q) => [
        q.name,
        String(q.counts.waiting + q.counts.prioritized),
        String(q.counts.active),
        String(q.counts.delayed),
        String(q.counts.failed),
        q.oldestAgeSec.waiting == null ? '-' : `${Math.round(q.oldestAgeSec.waiting)}s`,
      ]),
    ),
  );
  lines.push('', formatSessions(status.running));
  if (status.stranded.length > 0)
    lines.push(
      '',
      `Stranded (claimed, nothing will run them until the lease ends): ${status.stranded.map((s) => s.ticket).join(', ')}`,
    );
  process.stdout.write(`${lines.join('\n')}\n`);
}
