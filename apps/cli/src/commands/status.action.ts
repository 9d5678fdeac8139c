import type { NightshiftConfig } from '@nightshift/config';
import { describeScope, HostRegistry } from '@nightshift/state';
import { FleetStateReader } from '@nightshift/fleet';
import { formatTable } from '../format-table';
import { formatHosts } from '../hosts-table';
import { withRedis } from '../redis-client';

/** Pauses, queues, hosts and running sessions: the same reader as the metrics-exporter's /api/v1/state. */
export async function status(config: NightshiftConfig, opts: { json?: boolean }): Promise<void> {
  const status = await withRedis(config, async (redis) => {
    const reader = new FleetStateReader(redis, config);
    const fleet = await reader.read().finally(() => reader.close());
    return { ...fleet, registeredHosts: await new HostRegistry(redis).list() };
  });
  if (opts.json) return void process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
  const lines = [status.pauses.length === 0 ? 'Nothing paused.' : formatTable(['PAUSED', 'UNTIL', 'SINCE', 'BY', 'REASON'], status.pauses.map((p) => [describeScope(p.scope), p.until ?? 'resumed by hand', p.since, p.by, p.reason]))];
  lines.push('', formatHosts(status.registeredHosts));
  lines.push('', formatTable(['QUEUE', 'WAITING', 'ACTIVE', 'DELAYED', 'FAILED', 'OLDEST WAITING'], status.queues.map((q) => [q.name, String(q.counts.waiting + q.counts.prioritized), String(q.counts.active), String(q.counts.delayed), String(q.counts.failed), q.oldestAgeSec.waiting == null ? '-' : `${Math.round(q.oldestAgeSec.waiting)}s`])));
  lines.push('', status.sessions.length === 0 ? 'No session running.' : formatTable(['RUN', 'HOST', 'TICKETS', 'HEARTBEAT'], status.sessions.map((s) => [s.runId, s.host, s.tickets.join(','), s.heartbeatAt])));
  if (status.stranded.length > 0) lines.push('', `Stranded (claimed, nothing will run them until the lease ends): ${status.stranded.map((s) => s.ticket).join(', ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
