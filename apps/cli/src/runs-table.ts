import type { RunRecord } from '@nightshift/contracts';
import { humanDuration } from '@nightshift/domain';
import { parseDuration } from '@nightshift/pause-policy';

import { BadInputError } from './errors/bad-input.error';
import { formatTable } from './format-table';

export interface RunFilter {
  ticket?: string;
  repo?: string;
  /** A duration back from now (`12h`, `30m`) or an ISO date/time. */
  since?: string;
}

/** `--since` as epoch ms: `12h` means 12 hours ago, anything else must be a date. */
export function sinceMs(since: string, now = Date.now()): number {
  if (/^\d+(\.\d+)?\s*[a-z]+$/i.test(since.trim())) {
    try {
      return now - parseDuration(since);
    } catch {
      // not a duration: tried as a date below
    }
  }
  const at = Date.parse(since);
  if (Number.isNaN(at))
    throw new BadInputError(
      `--since ${since}: neither a duration back from now (12h, 30m, 2d) nor a date (2026-12-06)`,
    );
  return at;
}

export function filterRuns(runs: RunRecord[], filter: RunFilter, now = Date.now()): RunRecord[] {
  const from = filter.since === undefined ? undefined : sinceMs(filter.since, now);
  return runs.filter(
    (r) =>
      (filter.ticket === undefined || r.tickets.includes(filter.ticket)) &&
      (filter.repo === undefined || r.repo === filter.repo) &&
      (from === undefined || Date.parse(r.startedAt) >= from),
  );
}

const tokens = (r: RunRecord) =>
  r.usage ? r.usage.input + r.usage.output + r.usage.cacheWrite + r.usage.cacheRead : 0;
const cost = (usd: number) => `$${usd.toFixed(4)}`;

export function runsTable(runs: RunRecord[]): string {
  return formatTable(
    [
      'STARTED',
      'TICKET',
      'REPO',
      'HOST',
      'AGENT',
      'MODEL',
      'ATTEMPT',
      'OUTCOME',
      'DURATION',
      'TOKENS',
      'COST',
      'DENIED',
      'PR',
      'REASON',
    ],
    runs.map((r) => [
      r.startedAt.slice(0, 19).replace('T', ' '),
      r.tickets.join(','),
      r.repo,
      r.host,
      r.agent ?? 'claude-code',
      r.model,
      String(r.attempt),
      r.outcome ?? 'running',
      r.durationMs === undefined ? '' : humanDuration(r.durationMs),
      r.usage ? String(tokens(r)) : '',
      r.costUsd === undefined ? '' : `${r.costEstimated ? '~' : ''}${cost(r.costUsd)}`,
      String(r.permissionDenials?.length ?? 0),
      r.prUrl ?? '',
      oneLine(r.reason ?? r.stall?.reason ?? '', 80),
    ]),
  );
}

export type TotalsBy = 'ticket' | 'repo' | 'night';

/** Runs, time and cost per ticket, repo or night (the UTC date a run started, as the night it belongs to). */
export function totalsTable(runs: RunRecord[], by: TotalsBy): string {
  const groups = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const keys = by === 'ticket' ? r.tickets : by === 'repo' ? [r.repo] : [r.startedAt.slice(0, 10)];
    for (const key of keys) groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return formatTable(
    [by.toUpperCase(), 'RUNS', 'SUCCEEDED', 'TIME', 'TOKENS', 'COST'],
    [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, rs]) => [key, ...sums(rs)]),
  );
}

/** The one line under the table: how many runs, how long, how much. */
export function totalsLine(runs: RunRecord[]): string {
  const [count, succeeded, time, toks, usd] = sums(runs);
  return `Total: ${count} runs (${succeeded} succeeded), ${time}, ${toks} tokens, ${usd}`;
}

function sums(runs: RunRecord[]): [string, string, string, string, string] {
  return [
    String(runs.length),
    String(runs.filter((r) => r.outcome === 'success').length),
    humanDuration(runs.reduce((s, r) => s + (r.durationMs ?? 0), 0)),
    String(runs.reduce((s, r) => s + tokens(r), 0)),
    cost(runs.reduce((s, r) => s + (r.costUsd ?? 0), 0)),
  ];
}

export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
