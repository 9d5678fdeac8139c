import type { NightshiftConfig } from '@nightshift/config';
import { INTAKE_QUEUE, sessionQueueName } from '@nightshift/contracts';
import { describeScope, HostRegistry, PauseStore, SessionRegistry } from '@nightshift/state';
import { formatTable } from '../format-table';
import { formatHosts } from '../hosts-table';
import { withRedis } from '../redis-client';
import { capabilities, withQueue } from './queues';

/** Pauses (why, until when), queue depths and running sessions, read straight from Redis. */
export async function status(config: NightshiftConfig, opts: { json?: boolean }): Promise<void> {
  const status = await withRedis(config, async (redis) => ({
    pauses: await new PauseStore(redis).active(),
    sessions: await new SessionRegistry(redis).list(),
    hosts: await new HostRegistry(redis).list(),
    queues: Object.fromEntries(
      await Promise.all(
        [INTAKE_QUEUE, ...capabilities(config).map(sessionQueueName)].map(async (name) => [name, await withQueue(redis, name, (q) => q.getJobCounts('waiting', 'active', 'delayed', 'failed'))] as const),
      ),
    ),
  }));
  if (opts.json) return void process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
  const lines = [status.pauses.length === 0 ? 'Nothing paused.' : formatTable(['PAUSED', 'UNTIL', 'SINCE', 'BY', 'REASON'], status.pauses.map((p) => [describeScope(p.scope), p.until ?? 'resumed by hand', p.since, p.by, p.reason]))];
  lines.push('', formatHosts(status.hosts));
  lines.push('', formatTable(['QUEUE', 'WAITING', 'ACTIVE', 'DELAYED', 'FAILED'], Object.entries(status.queues).map(([q, c]) => [q, String(c['waiting'] ?? 0), String(c['active'] ?? 0), String(c['delayed'] ?? 0), String(c['failed'] ?? 0)])));
  lines.push('', status.sessions.length === 0 ? 'No session running.' : formatTable(['RUN', 'HOST', 'TICKETS', 'HEARTBEAT'], status.sessions.map((s) => [s.runId, s.host, s.tickets.join(','), s.heartbeatAt])));
  process.stdout.write(`${lines.join('\n')}\n`);
}
