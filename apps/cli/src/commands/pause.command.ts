import type { Command } from 'commander';
import { Queue } from 'bullmq';
import type { NightshiftConfig } from '@nightshift/config';
import { INTAKE_QUEUE, sessionQueueName } from '@nightshift/contracts';
import { notifierFromEnv } from '@nightshift/notify';
import { createLogger } from '@nightshift/service-shell';
import { EventLog, HostRegistry, PauseStore, SessionRegistry, type PauseScope } from '@nightshift/state';
import { describeScope, pauseScope } from '@nightshift/wiring';
import { formatTable } from '../format-table';
import { formatHosts } from '../hosts-table';
import { withRedis } from '../redis-client';
import { withConfig } from '../with-config';

interface ScopeOptions {
  account?: string;
}

function scopeOf(config: NightshiftConfig, opts: ScopeOptions): PauseScope {
  if (!opts.account) return { kind: 'intake' };
  if (!config.agent.accounts.some((a) => a.name === opts.account)) {
    throw new Error(`no agent account "${opts.account}" in ${config.file} (known: ${config.agent.accounts.map((a) => a.name).join(', ')})`);
  }
  return { kind: 'account', account: opts.account };
}

/** `30m`, `2h`, `90s` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(text.trim());
  if (!match) throw new Error(`--for "${text}" is not a duration like 90s, 30m, 2h or 1d`);
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
}

/** `nightshift pause|resume|status`: a human stops and starts the swarm, and sees why it waits. */
export function registerPauseCommands(program: Command): void {
  program
    .command('pause')
    .description('pause intake (default) or one agent account, for everyone on every host')
    .option('--account <name>', 'pause this agent account instead of intake')
    .option('--for <duration>', 'how long (90s, 30m, 2h); default: until `nightshift resume`')
    .option('--reason <text>', 'why, shown in status and notifications', 'paused by a human')
    .action(
      withConfig(async (config, opts: ScopeOptions & { for?: string; reason: string }) => {
        const scope = scopeOf(config, opts);
        const until = opts.for ? new Date(Date.now() + parseDuration(opts.for)) : null;
        await withRedis(config, async (redis) => {
          const notifier = notifierFromEnv(createLogger('cli', 'warn'), config.notifications.slackWebhookEnv);
          await pauseScope({ pauses: new PauseStore(redis), events: new EventLog(redis), notifier }, scope, until, opts.reason, 'cli');
        });
        process.stdout.write(`paused ${describeScope(scope)} ${until ? `until ${until.toISOString()}` : 'until resumed'}\n`);
      }),
    );
  program
    .command('resume')
    .description('resume intake (default) or one agent account')
    .option('--account <name>', 'resume this agent account')
    .action(
      withConfig(async (config, opts: ScopeOptions) => {
        const scope = scopeOf(config, opts);
        const lifted = await withRedis(config, async (redis) => {
          const pause = await new PauseStore(redis).resume(scope);
          if (pause) {
            await new EventLog(redis).append({ type: 'pause.ended', detail: { scope: describeScope(scope), reason: 'resumed by a human' } });
            await notifierFromEnv(createLogger('cli', 'warn'), config.notifications.slackWebhookEnv).notify({ kind: 'resume', text: `resumed ${describeScope(scope)} (by a human)` });
            // An account pause may have put its capability queues on BullMQ's rate limit: lift that too.
            if (scope.kind === 'account') await Promise.all(capabilities(config).map((c) => withQueue(redis, sessionQueueName(c), (q) => q.removeRateLimitKey())));
          }
          return pause;
        });
        process.stdout.write(lifted ? `resumed ${describeScope(scope)}\n` : `${describeScope(scope)} was not paused\n`);
      }),
    );
  program
    .command('status')
    .description('pauses (why, until when), hosts (slots in use, gone), running sessions and queue depths')
    .option('--json', 'print JSON')
    .action(
      withConfig(async (config, opts: { json?: boolean }) => {
        const status = await withRedis(config, async (redis) => ({
          pauses: await new PauseStore(redis).active(),
          hosts: await new HostRegistry(redis).list(),
          sessions: await new SessionRegistry(redis).list(),
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
      }),
    );
}

function capabilities(config: NightshiftConfig): string[] {
  return [...new Set(config.hosts.flatMap((h) => h.capabilities))];
}

async function withQueue<T>(redis: import('ioredis').Redis, name: string, fn: (q: Queue) => Promise<T>): Promise<T> {
  const queue = new Queue(name, { connection: redis });
  try {
    return await fn(queue);
  } finally {
    await queue.close();
  }
}
