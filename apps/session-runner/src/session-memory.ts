import { Counter, Histogram, type Registry } from 'prom-client';
import type { RunRecord, SessionJob } from '@nightshift/contracts';
import { redactSecrets, type Ticket } from '@nightshift/domain';
import { promptLearnings, type MemoryClient } from '@nightshift/memory';
import type { SessionDeps } from './session-deps';

/** What a session recalled: the prompt lines, the ids it cites, and what it was about. */
export interface RecalledForSession {
  lines: string[];
  ids: string[];
  subject: string;
}

/** The memory client, its metrics, and the config: built by main.ts when memory is enabled. */
export class SessionMemory {
  readonly recalls: Counter;
  readonly recallSeconds: Histogram;

  constructor(readonly client: MemoryClient, registry: Registry) {
    const registers = [registry];
    this.recalls = new Counter({ name: 'nightshift_memory_recalls_total', help: 'Recalls before a prompt by result (hit, empty, unavailable)', labelNames: ['result', 'repo'], registers });
    this.recallSeconds = new Histogram({ name: 'nightshift_memory_recall_duration_seconds', help: 'Time the session waited for recall', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5], registers });
  }
}

/**
 * Recalls the learnings for the tickets before the prompt is built. Memory that is down, slow or
 * failing never blocks the session: it goes on with none, and an event and a metric say so.
 */
export async function recallLearnings(deps: SessionDeps, job: SessionJob, tickets: Ticket[]): Promise<RecalledForSession> {
  const subject = redactSecrets(tickets.map((t) => `${t.key}: ${t.title}. ${t.description.slice(0, 300)}`).join('\n')).slice(0, 1500);
  const empty = { lines: [], ids: [], subject };
  const m = deps.config.memory;
  if (!deps.memory || !m.enabled) return empty;
  const stop = deps.memory.recallSeconds.startTimer();
  try {
    const answer = await deps.memory.client.recall({ query: subject, repo: job.repo, topK: m.topK }, m.recallTimeoutMs);
    const { lines, ids } = promptLearnings(answer.learnings, m.maxTokens);
    deps.memory.recalls.inc({ result: ids.length ? 'hit' : 'empty', repo: job.repo });
    if (ids.length) await deps.events.append({ type: 'memory.recalled', repo: job.repo, host: deps.host, run: job.runId, ticket: job.tickets[0], detail: { count: ids.length, ids: ids.map((id) => id.slice(0, 8)).join(',') } });
    return { lines, ids, subject };
  } catch (err) {
    const reason = redactSecrets(err instanceof Error ? err.message : String(err)).slice(0, 200);
    deps.memory.recalls.inc({ result: 'unavailable', repo: job.repo });
    deps.logger.warn({ run: job.runId, err: reason }, 'memory unavailable; the session goes on without learnings');
    await deps.events.append({ type: 'memory.unavailable', repo: job.repo, host: deps.host, run: job.runId, ticket: job.tickets[0], detail: { reason } }).catch(() => undefined);
    return empty;
  } finally {
    stop();
  }
}

/** Queues the finished session's outcome for the consolidator to learn from; a failure to queue is logged, never fatal. */
export async function recordOutcome(deps: SessionDeps, record: RunRecord, recalled: RecalledForSession | undefined, finalMessage: string | undefined): Promise<void> {
  if (!deps.memory || !deps.config.memory.enabled || !record.outcome || !recalled) return;
  await deps.memory.client
    .record({
      runId: record.runId,
      repo: record.repo,
      tickets: record.tickets,
      subject: recalled.subject,
      outcome: record.outcome,
      model: record.model,
      attempt: record.attempt,
      reason: redactSecrets(record.reason ?? '').slice(0, 300),
      lastLines: redactSecrets(readableLines(record.lastLines ?? '')),
      finalMessage: finalMessage ? redactSecrets(finalMessage).slice(0, 300) : undefined,
      recalled: recalled.ids,
      finishedAt: record.finishedAt ?? new Date().toISOString(),
    })
    .catch((err: unknown) => deps.logger.warn({ run: record.runId, err: redactSecrets(String(err)) }, 'could not queue the outcome for memory'));
}

/** The agent's stream is JSON lines: keep the text they carry (messages, results) and any plain stderr line. */
function readableLines(tail: string): string {
  return tail
    .split('\n')
    .map((line) => {
      if (!line.startsWith('{')) return line;
      try {
        const e = JSON.parse(line) as { result?: string; message?: { content?: Array<{ text?: string }> } };
        return e.result ?? (e.message?.content ?? []).map((c) => c.text ?? '').join(' ');
      } catch {
        return '';
      }
    })
    .filter((l) => l.trim())
    .join('\n');
}
