import type { Command } from 'commander';
import { notifierFromEnv } from '@nightshift/notify';
import { createLogger } from '@nightshift/service-shell';
import { EventLog, PauseStore } from '@nightshift/state';
import { describeScope, FleetStateReader, parseDuration as parseDurationMs, pauseScope, pauseScopeOf, resumeScope } from '@nightshift/wiring';
import { formatTable } from '../format-table';
import { withRedis } from '../redis-client';
import { withConfig } from '../with-config';

interface ScopeOptions {
  account?: string;
}

/** `--for` value → milliseconds, naming the flag when it is not a duration. */
export function parseDuration(text: string): number {
  try {
    return parseDurationMs(text);
  } catch (err) {
    throw new Error(`--for ${(err as Error).message}`);
  }
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
        const scope = pauseScopeOf(config, opts.account);
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
        const scope = pauseScopeOf(config, opts.account);
        const lifted = await withRedis(config, (redis) =>
          resumeScope({ redis, config, pauses: new PauseStore(redis), events: new EventLog(redis), notifier: notifierFromEnv(createLogger('cli', 'warn'), config.notifications.slackWebhookEnv) }, scope, 'a human'),
        );
        process.stdout.write(lifted ? `resumed ${describeScope(scope)}\n` : `${describeScope(scope)} was not paused\n`);
      }),
    );
  program
    .command('status')
    .description('pauses (why, until when), running sessions and queue depths')
    .option('--json', 'print JSON')
    .action(
      withConfig(async (config, opts: { json?: boolean }) => {
        const status = await withRedis(config, async (redis) => {
          const reader = new FleetStateReader(redis, config);
          return reader.read().finally(() => reader.close());
        });
        if (opts.json) return void process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        const lines = [status.pauses.length === 0 ? 'Nothing paused.' : formatTable(['PAUSED', 'UNTIL', 'SINCE', 'BY', 'REASON'], status.pauses.map((p) => [describeScope(p.scope), p.until ?? 'resumed by hand', p.since, p.by, p.reason]))];
        lines.push('', formatTable(['QUEUE', 'WAITING', 'ACTIVE', 'DELAYED', 'FAILED', 'OLDEST WAITING'], status.queues.map((q) => [q.name, String(q.counts.waiting), String(q.counts.active), String(q.counts.delayed), String(q.counts.failed), q.oldestAgeSec.waiting == null ? '-' : `${Math.round(q.oldestAgeSec.waiting)}s`])));
        lines.push('', formatTable(['HOST', 'SLOTS', 'SESSIONS'], status.hosts.map((h) => [h.name, String(h.slots), String(h.sessions)])));
        lines.push('', status.sessions.length === 0 ? 'No session running.' : formatTable(['RUN', 'HOST', 'TICKETS', 'HEARTBEAT'], status.sessions.map((s) => [s.runId, s.host, s.tickets.join(','), s.heartbeatAt])));
        if (status.stranded.length > 0) lines.push('', `Stranded (claimed, nothing will run them until the lease ends): ${status.stranded.map((s) => s.ticket).join(', ')}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
