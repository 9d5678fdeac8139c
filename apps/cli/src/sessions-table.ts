import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

import { transcriptLines } from '@nightshift/agent';
import type { NightshiftConfig } from '@nightshift/config';
import type { RunRecord } from '@nightshift/contracts';
import { humanDuration, safeKey, secretValuesFromEnv } from '@nightshift/domain';
import { type LiveSession, runRecordKey } from '@nightshift/state';

import { formatTable } from './format-table';
import { oneLine } from './runs-table';

const TAIL_BYTES = 32 * 1024;

/** A running session as `status` shows it: which ticket, where, which model, for how long, doing what. */
export interface SessionView {
  run: string;
  tickets: string[];
  host: string;
  agent: string;
  model: string;
  account?: string;
  startedAt?: string;
  lastAction: string;
}

export function sessionViews(
  config: NightshiftConfig,
  sessions: LiveSession[],
  records: Map<string, RunRecord>,
): SessionView[] {
  return sessions.map((s) => {
    const record = records.get(runRecordKey(s));
    const log = record?.logPath ?? path.join(config.paths.logs, `${safeKey(s.runId)}.jsonl`);
    return {
      run: runRecordKey(s),
      tickets: s.tickets,
      host: s.host,
      agent: config.agent.kind,
      model: record?.model ?? '?',
      ...(record?.account ? { account: record.account } : {}),
      ...(record?.startedAt ? { startedAt: record.startedAt } : {}),
      lastAction: lastAction(log),
    };
  });
}

export function formatSessions(views: SessionView[], now = Date.now()): string {
  if (views.length === 0) return 'No session running.';
  return formatTable(
    ['TICKET', 'HOST', 'AGENT/MODEL', 'ELAPSED', 'LAST ACTION', 'RUN'],
    views.map((v) => [
      v.tickets.join(','),
      v.host,
      `${v.agent}/${v.model}`,
      v.startedAt ? humanDuration(now - Date.parse(v.startedAt)) : '?',
      oneLine(v.lastAction, 70),
      v.run,
    ]),
  );
}

/** The last thing the session's log shows (a tool call, what the agent said); readable only on the host that runs it. */
function lastAction(file: string): string {
  let text: string;
  try {
    const size = statSync(file).size;
    const fd = openSync(file, 'r');
    try {
      const length = Math.min(size, TAIL_BYTES);
      const buf = Buffer.alloc(length);
      readSync(fd, buf, 0, length, size - length);
      text = buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return "- (no log here: it is on the session's host, or the agent has not started)";
  }
  const secrets = secretValuesFromEnv();
  const lines = text.split('\n').flatMap((l) => transcriptLines(l, secrets));
  return lines.at(-1)?.text ?? 'started, nothing printed yet';
}
