import { existsSync } from 'node:fs';
import path from 'node:path';

import { transcriptLines, TranscriptTail } from '@nightshift/agent';
import type { NightshiftConfig } from '@nightshift/config';
import type { RunRecord } from '@nightshift/contracts';
import { escapeForTerminal, redactSecrets, safeKey, secretValuesFromEnv } from '@nightshift/domain';
import { RunStore } from '@nightshift/state';
import type { Redis } from 'ioredis';

import { BadInputError } from '../errors/bad-input.error';
import { withRedis } from '../redis-client';
import { oneLine } from '../runs-table';
import { withHistoryRedis } from '../saved-history';
import { SilenceNote } from '../silence-note';

const POLL_MS = 200;
/** How often `--follow` says a session is silent, and what the stall detector sees. */
const SILENCE_NOTE_MS = 15_000;

/**
 * `nightshift logs <ticket|run> [--follow]`: the agent's transcript as a person reads it (see transcriptLines),
 * redacted. A ticket shows its latest run; `--follow` keeps printing until that run ends (or Ctrl-C).
 */
export async function showLogs(
  config: NightshiftConfig,
  target: string,
  opts: { follow?: boolean; raw?: boolean },
): Promise<void> {
  const connect = opts.follow ? withRedis : withHistoryRedis;
  await connect(config, async (redis) => {
    const runs = new RunStore(redis);
    const run = await findRun(runs, target, opts.follow === true);
    const file = run.logPath ?? path.join(config.paths.logs, `${safeKey(run.runId)}.jsonl`);
    const secrets = secretValuesFromEnv();
    const print = (line: string) => {
      const out = opts.raw
        ? [escapeForTerminal(redactSecrets(line, secrets))]
        : transcriptLines(line, secrets).map((t) => escapeForTerminal(t.text, { keepNewlines: true }));
      for (const l of out) process.stdout.write(`${l}\n`);
    };
    process.stdout.write(`== run ${run.runId} · ${run.tickets.join(',')} · ${run.repo} · ${run.host} · ${run.model}\n`);
    if (!opts.follow) {
      if (!existsSync(file)) throw new BadInputError(missingLog(run, file));
      const tail = new TranscriptTail(file);
      [...tail.read(), ...tail.flush()].forEach(print);
      return void process.stdout.write(`${stillOpen(run) ?? ended(run)}\n`);
    }
    // --raw stays pure JSON lines: no notes between them.
    const silence = opts.raw ? undefined : new SilenceNote(config.agent.stallTimeoutSec, SILENCE_NOTE_MS);
    await follow(redis, run, file, print, silence);
  });
}

/** A run by its key, else the latest run of a ticket (while following, waits for a ticket's first run). */
async function findRun(runs: RunStore, target: string, wait: boolean): Promise<RunRecord> {
  const byKey = await runs.get(target);
  if (byKey) return byKey;
  for (;;) {
    const latest =
      (await runs.ledBy(target)).at(-1) ?? (await runs.list(100_000)).findLast((r) => r.tickets.includes(target));
    if (latest) return latest;
    if (!wait)
      throw new BadInputError(`no run of ${target}: give a ticket key or a run id (\`nightshift runs\` lists them)`);
    await new Promise((r) => setTimeout(r, POLL_MS * 5));
  }
}

async function follow(
  redis: Redis,
  run: RunRecord,
  file: string,
  print: (line: string) => void,
  silence: SilenceNote | undefined,
): Promise<void> {
  const runs = new RunStore(redis);
  const tail = new TranscriptTail(file);
  let stop = false;
  process.once('SIGINT', () => (stop = true));
  const key = run.execution && run.execution > 1 ? `${run.runId}~${run.execution}` : run.runId;
  for (;;) {
    // The record is read before the file: lines written before the run ended are all in the file by then.
    const now = await runs.get(key);
    for (const line of tail.read()) {
      silence?.see(line);
      print(line);
    }
    // The agent's verdict comes first (settling); the run ends once its checks, push and PR are done.
    const done = now?.outcome && !now.settling;
    const note = now?.outcome ? null : silence?.note();
    if (note) process.stdout.write(`${note}\n`);
    if (done) {
      tail.flush().forEach(print);
      return void process.stdout.write(`${ended(now)}\n`);
    }
    if (stop) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function stillOpen(run: RunRecord): string | undefined {
  if (!run.outcome) return '== still running (--follow to keep reading)';
  if (run.settling) return `== agent ended: ${run.outcome}; the run is finishing (--follow to keep reading)`;
  return undefined;
}

function ended(run: RunRecord): string {
  return `== ended: ${run.outcome}${run.prUrl ? ` · ${run.prUrl}` : ''}${run.reason ? ` (${oneLine(run.reason, 200)})` : ''}`;
}

function missingLog(run: RunRecord, file: string): string {
  return `no log of run ${run.runId} at ${file}: it ran on host ${run.host}; read it there (or the session has not started its agent yet)`;
}
