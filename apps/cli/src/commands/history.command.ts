import type { Command } from 'commander';
import { EventLog, RunStore, type StoredEvent } from '@nightshift/state';
import { createForge } from '@nightshift/wiring';
import { formatTable } from '../format-table';
import { withConfig } from '../with-config';
import { connectRedis as connect } from '../redis-client';

/** `nightshift runs|prs|events`: what happened overnight. */
export function registerHistoryCommands(program: Command): void {
  program
    .command('runs')
    .description('agent runs: ticket, repo, host, model, attempt, outcome, duration, tokens, cost, PR')
    .option('--json', 'print JSON')
    .action(
      withConfig(async (config, opts: { json?: boolean }) => {
        const redis = connect(config);
        try {
          const runs = await new RunStore(redis).list();
          if (opts.json) return void process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
          const rows = runs.map((r) => [
            r.tickets.join(','), r.repo, r.host, r.model, String(r.attempt), r.outcome ?? 'running',
            r.durationMs === undefined ? '' : `${(r.durationMs / 1000).toFixed(1)}s`,
            r.usage ? String(r.usage.input + r.usage.output + r.usage.cacheWrite + r.usage.cacheRead) : '',
            r.costUsd === undefined ? '' : `$${r.costUsd.toFixed(4)}`, r.prUrl ?? '',
          ]);
          process.stdout.write(`${formatTable(['TICKET', 'REPO', 'HOST', 'MODEL', 'ATTEMPT', 'OUTCOME', 'DURATION', 'TOKENS', 'COST', 'PR'], rows)}\n`);
        } finally {
          redis.disconnect();
        }
      }),
    );
  program
    .command('prs')
    .description('pull requests opened by Nightshift')
    .option('--json', 'print JSON')
    .action(
      withConfig(async (config, opts: { json?: boolean }) => {
        const prs = await createForge(config).listPrs();
        if (opts.json) return void process.stdout.write(`${JSON.stringify(prs, null, 2)}\n`);
        process.stdout.write(`${formatTable(['REPO', '#', 'STATE', 'HEAD', 'TICKETS', 'URL'], prs.map((p) => [p.repo, String(p.number), p.state, p.head, p.tickets.join(','), p.url]))}\n`);
      }),
    );
  program
    .command('events')
    .description('the event stream: every transition, oldest first')
    .option('--follow', 'keep printing new events')
    .option('--json', 'print one JSON object per line')
    .action(
      withConfig(async (config, opts: { follow?: boolean; json?: boolean }) => {
        const redis = connect(config);
        const print = (e: StoredEvent) => process.stdout.write(`${opts.json ? JSON.stringify(e) : formatEvent(e)}\n`);
        try {
          const log = new EventLog(redis);
          const past = await log.read();
          past.forEach(print);
          if (!opts.follow) return;
          let last = past.at(-1)?.id ?? '$';
          let stop = false;
          process.once('SIGINT', () => (stop = true));
          while (!stop) {
            for (const e of await log.follow(last, 1000)) {
              print(e);
              last = e.id;
            }
          }
        } finally {
          redis.disconnect();
        }
      }),
    );
}

function formatEvent(e: StoredEvent): string {
  const who = [e.ticket, e.repo && `repo=${e.repo}`, e.host && `host=${e.host}`, e.run && `run=${e.run}`].filter(Boolean).join(' ');
  const detail = e.detail ? Object.entries(e.detail).map(([k, v]) => `${k}=${String(v)}`).join(' ') : '';
  return `${e.at}  ${e.type.padEnd(17)} ${who} ${detail}`.trimEnd();
}
