import type { NightshiftConfig } from '@nightshift/config';
import { escapeForTerminal } from '@nightshift/domain';
import type { PullRequest } from '@nightshift/forge';
import { EventLog, type PrBaseStanding, PushedHeads, RunStore, type StoredEvent } from '@nightshift/state';

import { BadInputError } from '../errors/bad-input.error';
import { printList } from '../format-table';
import { withRedis } from '../redis-client';
import { filterRuns, type RunFilter, runsTable, totalsLine, totalsTable } from '../runs-table';
import { withHistoryRedis } from '../saved-history';

export interface RunsOptions extends RunFilter {
  json?: boolean;
  by?: string;
}

export async function listRuns(config: NightshiftConfig, opts: RunsOptions): Promise<void> {
  const by = opts.by;
  if (by !== undefined && by !== 'ticket' && by !== 'repo' && by !== 'night')
    throw new BadInputError(`--by ${by}: totals are per ticket, repo or night`);
  const all = await withHistoryRedis(config, (redis) => new RunStore(redis).list(100_000));
  const runs = filterRuns(all, opts);
  if (opts.json) return void process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
  if (runs.length === 0) return void process.stdout.write(`No runs${describeFilter(opts)}.\n`);
  const table = by ? totalsTable(runs, by) : runsTable(runs);
  process.stdout.write(`${table}\n\n${totalsLine(runs)}${describeFilter(opts)}\n`);
}

function describeFilter(f: RunFilter): string {
  const parts = [f.ticket && `ticket ${f.ticket}`, f.repo && `repo ${f.repo}`, f.since && `since ${f.since}`];
  const said = parts.filter(Boolean).join(', ');
  return said ? ` (${said})` : '';
}

export async function listPrs(
  config: NightshiftConfig,
  opts: { json?: boolean; show?: string; repo?: string },
): Promise<void> {
  const { createForge } = require('@nightshift/adapter-factories') as typeof import('@nightshift/adapter-factories');
  const prs = await createForge(config).listPrs();
  if (opts.show !== undefined) return showPr(prs, opts.show, opts.repo, opts.json);
  const standings = await baseStandings(config);
  const base = (p: PullRequest) => (p.state === 'open' ? (standings.get(p.url)?.state ?? '-') : '-');
  const rows = opts.json ? prs.map((p) => ({ ...p, baseStanding: standings.get(p.url) ?? null })) : prs;
  printList(rows, opts.json, ['REPO', '#', 'STATE', 'BASE', 'HEAD', 'TICKETS', 'URL'], (p) => [
    p.repo,
    String(p.number),
    p.state,
    base(p),
    p.head,
    p.tickets.join(','),
    p.url,
  ]);
}

/**
 * How each open PR stands against its base as the scanner's base-move watch last saw it (behind, conflicting,
 * rebased, session, human-pushed, capped, up-to-date). Empty when no Redis holds it: the PR list needs none.
 */
async function baseStandings(config: NightshiftConfig): Promise<Map<string, PrBaseStanding>> {
  try {
    return await withHistoryRedis(config, (redis) => new PushedHeads(redis).standings());
  } catch {
    return new Map();
  }
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
  if (matches.length === 0)
    throw new Error(`no pull request #${number}${repo ? ` in ${repo}` : ''}: \`nightshift prs\` lists them`);
  if (matches.length > 1)
    throw new Error(`pull request #${number} exists in ${matches.map((p) => p.repo).join(', ')}: add --repo <repo>`);
  const pr = matches[0]!;
  if (json) return void process.stdout.write(`${JSON.stringify(pr, null, 2)}\n`);
  const head = [`${pr.repo} #${pr.number} (${pr.state})  ${pr.head} → ${pr.base}`, pr.title, pr.url].map((l) =>
    escapeForTerminal(l),
  );
  process.stdout.write(`${head.join('\n')}\n\n${escapeForTerminal(pr.body, { keepNewlines: true })}\n`);
}

/** One event per line; ticket text in it (titles, reasons) has its control characters shown escaped. */
function formatEvent(e: StoredEvent): string {
  const who = [e.ticket, e.repo && `repo=${e.repo}`, e.host && `host=${e.host}`, e.run && `run=${e.run}`]
    .filter(Boolean)
    .join(' ');
  const detail = e.detail
    ? Object.entries(e.detail)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ')
    : '';
  return escapeForTerminal(`${e.at}  ${e.type.padEnd(17)} ${who} ${detail}`.trimEnd());
}
