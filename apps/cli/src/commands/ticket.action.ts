import type { NightshiftConfig } from '@nightshift/config';
import type { RunRecord } from '@nightshift/contracts';
import { branchForTicket, escapeForTerminal, humanDuration, routeTicket, type Ticket } from '@nightshift/domain';
import { Claims, describeScope, type Pause, PauseStore, RunStore, TicketCounters } from '@nightshift/state';

import { BadInputError } from '../errors/bad-input.error';
import { formatTable } from '../format-table';
import { oneLine } from '../runs-table';
import { withHistoryRedis } from '../saved-history';

/** Everything that says why a ticket is where it is. */
export interface TicketReport {
  ticket: Ticket;
  repo: string | null;
  routeReason?: string;
  runs: RunRecord[];
  /** The open PR of the ticket's branch; else the last one a run opened (since merged or closed). */
  pr: { url: string; state: string } | null;
  attemptsSpent: number;
  maxAttempts: number;
  infraStreak: number;
  maxInfraRetries: number;
  coolingDown: string | null;
  claimedBy: string | null;
  holds: Pause[];
}

/** `nightshift ticket KEY`: state, repo, PR, counters, pauses, every run and every comment, on one screen. */
export async function showTicket(config: NightshiftConfig, key: string, opts: { json?: boolean }): Promise<void> {
  const report = await ticketReport(config, key);
  process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatTicketReport(report));
}

export async function ticketReport(config: NightshiftConfig, key: string): Promise<TicketReport> {
  const { createForge, createTracker } =
    require('@nightshift/adapter-factories') as typeof import('@nightshift/adapter-factories');
  const ticket = await createTracker(config).getTicket(key);
  if (!ticket)
    throw new BadInputError(
      `no ticket ${key} on the ${config.tracker.kind} tracker${config.tracker.kind === 'local' ? ' (`nightshift board list` lists them)' : ''}`,
    );
  const route = routeTicket(ticket, config.repos);
  const repo = route.kind === 'routed' ? route.repo : null;
  const pr = repo ? await createForge(config).findOpenPr(repo, branchForTicket(key)) : null;
  return withHistoryRedis(config, async (redis) => {
    const counters = new TicketCounters(redis);
    const runs = (await new RunStore(redis).list(100_000)).filter((r) => r.tickets.includes(key));
    const holds = (await new PauseStore(redis).active()).filter(
      (p) =>
        p.scope.kind === 'intake' ||
        (p.scope.kind === 'ticket' && p.scope.ticket === key) ||
        (p.scope.kind === 'repo' && p.scope.repo === repo) ||
        p.scope.kind === 'account',
    );
    return {
      ticket,
      repo,
      ...(route.kind === 'unknown' ? { routeReason: route.reason } : {}),
      runs,
      pr: pr ? { url: pr.url, state: pr.draft ? 'open, draft' : pr.state } : lastPr(runs),
      attemptsSpent: await counters.attemptsSpent(key),
      maxAttempts: config.routing.maxAttempts,
      infraStreak: (await counters.infraStreak(key))?.count ?? 0,
      maxInfraRetries: config.routing.maxInfraRetries,
      coolingDown: await counters.coolingDown(key),
      claimedBy: await new Claims(redis).holder(key),
      holds,
    };
  });
}

function lastPr(runs: RunRecord[]): TicketReport['pr'] {
  const url = runs.findLast((r) => r.prUrl)?.prUrl;
  return url ? { url, state: 'no longer open' } : null;
}

export function formatTicketReport(r: TicketReport): string {
  const t = r.ticket;
  const line = (text: string) => escapeForTerminal(text);
  const out = [
    line(`${t.key}  ${t.state}  ${t.title}`),
    line(`repo: ${r.repo ?? `none (${r.routeReason ?? 'not routed'})`}   ${t.url}`),
    line(`PR: ${r.pr ? `${r.pr.url} (${r.pr.state})` : 'none'}`),
    line(
      `attempts spent: ${r.attemptsSpent}/${r.maxAttempts}   infrastructure failures in a row: ${r.infraStreak}/${r.maxInfraRetries}` +
        (r.claimedBy ? `   claimed by run ${r.claimedBy}` : '') +
        (r.coolingDown ? `   cooling down after: ${oneLine(r.coolingDown, 120)}` : ''),
    ),
    r.holds.length === 0
      ? 'held by: nothing paused'
      : line(
          `held by: ${r.holds.map((p) => `${describeScope(p.scope)} paused until ${p.until ?? 'resumed'} (${oneLine(p.reason, 80)})`).join('; ')}`,
        ),
    '',
    r.runs.length === 0
      ? 'No runs yet.'
      : formatTable(
          ['RUN', 'STARTED', 'MODEL', 'ATTEMPT', 'OUTCOME', 'DURATION', 'COST', 'REASON'],
          r.runs.map((run) => [
            run.execution && run.execution > 1 ? `${run.runId}~${run.execution}` : run.runId,
            run.startedAt.slice(0, 19).replace('T', ' '),
            run.model,
            String(run.attempt),
            run.outcome ?? 'running',
            run.durationMs === undefined ? '' : humanDuration(run.durationMs),
            run.costUsd === undefined ? '' : `$${run.costUsd.toFixed(4)}`,
            oneLine(run.reason ?? '', 90),
          ]),
        ),
    '',
    t.comments.length === 0 ? 'No comments.' : `Comments (${t.comments.length}):`,
    ...t.comments.map(
      (c) =>
        `\n  ${line(`${c.createdAt.slice(0, 16).replace('T', ' ')}  ${c.author}`)}\n${escapeForTerminal(c.body, {
          keepNewlines: true,
        })
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n')}`,
    ),
  ];
  return `${out.join('\n')}\n`;
}
