import type { NightshiftConfig } from '@nightshift/config';
import { escapeForTerminal } from '@nightshift/domain';
import type { PullRequest } from '@nightshift/forge';
import { EventLog, RunStore, type StoredEvent } from '@nightshift/state';
import { printList } from '../format-table';
import { withRedis } from '../redis-client';
import { withHistoryRedis } from '../saved-history';

export async function listRuns(config: NightshiftConfig, opts: { json?: boolean }): Promise<void> {
  const runs = await withHistoryRedis(config, (redis) => new RunStore(redis).list());
  printList(runs, opts.json, ['TICKET', 'REPO', 'HOST', 'MODEL', 'ATTEMPT', 'OUTCOME', 'DURATION', 'TOKENS', 'COST', 'DENIED', 'PR'], (r) => [
    r.tickets.join(','), r.repo, r.host, r.model, String(r.attempt), r.outcome ?? 'running',
    r.durationMs === undefined ? '' : `${(r.durationMs / 1000).toFixed(1)}s`,
    r.usage ? String(r.usage.input + r.usage.output + r.usage.cacheWrite + r.usage.cacheRead) : '',
    r.costUsd === undefined ? '' : `$${r.costUsd.toFixed(4)}`, String(r.permissionDenials?.length ?? 0), r.prUrl ?? '',
  ]);
}

export async function listPrs(config: NightshiftConfig, opts: { json?: boolean; show?: string; repo?: string }): Promise<void> {
  const { createForge } = require('@nightshift/adapter-factories') as typeof import('@nightshift/adapter-factories');
  const prs = await createForge(config).listPrs();
  if (opts.show !== undefined) return showPr(prs, opts.show, opts.repo, opts.json);
  printList(prs, opts.json, ['REPO', '#', 'STATE', 'HEAD', 'TICKETS', 'URL'], (p) => [p.repo, String(p.number), p.state, p.head, p.tickets.join(','), p.url]);
}

export async function printEvents(config: NightshiftConfig, opts: { follow?: boolean; json?: boolean }): Promise<void> {
  const print = (e: StoredEvent) => process.stdout.write(`${opts.json ? JSON.stringify(e) : formatEvent(e)}\n`);
  // Following needs the live system; the saved history is only for a one-off read.
  const connect = opts.follow ? withRedis : withHistoryRedis;
  await connect(config, async (redis) => {
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
  });
}

function showPr(prs: PullRequest[], number: string, repo: string | undefined, json: boolean | undefined): void {
  const matches = prs.filter((p) => String(p.number) === number && (repo === undefined || p.repo === repo));
  if (matches.length === 0) throw new Error(`no pull request #${number}${repo ? ` in ${repo}` : ''}: \`nightshift prs\` lists them`);
  if (matches.length > 1) throw new Error(`pull request #${number} exists in ${matches.map((p) => p.repo).join(', ')}: add --repo <repo>`);
  const pr = matches[0]!;
  if (json) return void process.stdout.write(`${JSON.stringify(pr, null, 2)}\n`);
  const head = [`${pr.repo} #${pr.number} (${pr.state})  ${pr.head} → ${pr.base}`, pr.title, pr.url].map((l) => escapeForTerminal(l));
  process.stdout.write(`${head.join('\n')}\n\n${escapeForTerminal(pr.body, { keepNewlines: true })}\n`);
}

/** One event per line; ticket text in it (titles, reasons) has its control characters shown escaped. */
function formatEvent(e: StoredEvent): string {
  const who = [e.ticket, e.repo && `repo=${e.repo}`, e.host && `host=${e.host}`, e.run && `run=${e.run}`].filter(Boolean).join(' ');
  const detail = e.detail ? Object.entries(e.detail).map(([k, v]) => `${k}=${String(v)}`).join(' ') : '';
  return escapeForTerminal(`${e.at}  ${e.type.padEnd(17)} ${who} ${detail}`.trimEnd());
}
