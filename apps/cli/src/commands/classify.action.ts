import { readFileSync } from 'node:fs';

import { classifyOutcome, readStallLine, type StallVerdict, summarizeStreamText } from '@nightshift/agent';

export interface ClassifyOptions {
  durationMs?: string;
  exitCode?: string;
  now?: string;
}

/**
 * The runner's own classifier on a saved agent output (a run log or a pasted error): what outcome it
 * is, when a rate limit resets, and why. Without --exit-code the result event decides (0 when it
 * reports success, 1 otherwise); without --duration-ms its duration_ms, else one minute. A run the
 * stall watchdog killed carries its verdict in the log: it is classified as stalled and the verdict shown.
 */
export function classifyFile(
  file: string,
  opts: ClassifyOptions,
): {
  outcome: string;
  resetsAt: string | null;
  reason: string;
  tokens: unknown;
  costUsd: number | null;
  stall?: Pick<StallVerdict, 'cause' | 'reason' | 'lastSeen'>;
} {
  const text = readFileSync(file, 'utf8');
  const summary = summarizeStreamText(text);
  const now = opts.now ? new Date(opts.now) : new Date();
  if (Number.isNaN(now.getTime()))
    throw new Error(`--now "${opts.now}" is not an ISO date-time (e.g. 2026-06-23T12:00:00Z)`);
  const ok = summary.result?.subtype === 'success' && !summary.result.is_error;
  const stall = readStallLine(text);
  const verdict = classifyOutcome({
    exitCode: opts.exitCode === undefined ? (ok ? 0 : 1) : Number(opts.exitCode),
    signal: null,
    durationMs: opts.durationMs === undefined ? (summary.result?.duration_ms ?? 60_000) : Number(opts.durationMs),
    timedOut: false,
    stall,
    text: summary.tail || text.slice(-8192),
    events: summary.events,
    now,
  });
  const shown = stall && { cause: stall.cause, reason: stall.reason, lastSeen: stall.lastSeen };
  return {
    outcome: verdict.outcome,
    resetsAt: verdict.resetsAt?.toISOString() ?? null,
    reason: verdict.reason,
    tokens: summary.usage,
    costUsd: summary.costUsd,
    ...(shown ? { stall: shown } : {}),
  };
}
