import type { RunRecord, SessionJob } from '@nightshift/contracts';
import { redactSecrets, type Ticket } from '@nightshift/domain';
import { failureSignature, fixSummary, learningSubject, promptLearnings, ticketEcho } from '@nightshift/memory';

import type { SessionDeps } from './session-deps';

/** What a session recalled: the prompt lines, the ids it cites, and what it was about. */
export interface RecalledForSession {
  lines: string[];
  ids: string[];
  /** Keys and short titles only: what memory keeps. */
  subject: string;
  /** The tickets' own text, normalised, to drop echoes of it from what memory keeps; never sent. */
  echo: string;
}

/**
 * Recalls the learnings for the tickets before the prompt is built. Memory that is down, slow or
 * failing never blocks the session: it goes on with none, and an event and a metric say so.
 */
export async function recallLearnings(
  deps: SessionDeps,
  job: SessionJob,
  tickets: Ticket[],
): Promise<RecalledForSession> {
  const subject = redactSecrets(learningSubject(tickets));
  const echo = ticketEcho(tickets.flatMap((t) => [t.title, t.description, ...t.comments.map((c) => c.body)]));
  // The query may read the descriptions (it finds related lessons); it is not stored.
  const query = redactSecrets(
    tickets.map((t) => `${t.key}: ${t.title}. ${t.description.slice(0, 300)}`).join('\n'),
  ).slice(0, 1500);
  const empty = { lines: [], ids: [], subject, echo };
  const m = deps.config.memory;
  if (!deps.memory || !m.enabled) return empty;
  const stop = deps.memory.recallSeconds.startTimer();
  try {
    const answer = await deps.memory.client.recall({ query, repo: job.repo, topK: m.topK }, m.recallTimeoutMs);
    const { lines, ids } = promptLearnings(answer.learnings, m.maxTokens);
    deps.memory.recalls.inc({ result: ids.length ? 'hit' : 'empty', repo: job.repo });
    if (ids.length)
      await deps.events.append({
        type: 'memory.recalled',
        repo: job.repo,
        host: deps.host,
        run: job.runId,
        ticket: job.tickets[0],
        detail: { count: ids.length, ids: ids.map((id) => id.slice(0, 8)).join(',') },
      });
    return { lines, ids, subject, echo };
  } catch (err) {
    const reason = redactSecrets(err instanceof Error ? err.message : String(err)).slice(0, 200);
    deps.memory.recalls.inc({ result: 'unavailable', repo: job.repo });
    deps.logger.warn({ run: job.runId, err: reason }, 'memory unavailable; the session goes on without learnings');
    await deps.events
      .append({
        type: 'memory.unavailable',
        repo: job.repo,
        host: deps.host,
        run: job.runId,
        ticket: job.tickets[0],
        detail: { reason },
      })
      .catch(() => undefined);
    return empty;
  } finally {
    stop();
  }
}

/** Queues the finished session's outcome for the consolidator to learn from; a failure to queue is logged, never fatal. */
export async function recordOutcome(
  deps: SessionDeps,
  record: RunRecord,
  recalled: RecalledForSession | undefined,
  finalMessage: string | undefined,
): Promise<void> {
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
      reason: redactSecrets(failureSignature(record.reason ?? '', '', recalled.echo)).slice(0, 300),
      lastLines: redactSecrets(failureSignature('', readableLines(record.lastLines ?? ''), recalled.echo)),
      finalMessage:
        record.outcome === 'success'
          ? redactSecrets(fixSummary(finalMessage, record.changes, recalled.echo)) || undefined
          : undefined,
      recalled: recalled.ids,
      finishedAt: record.finishedAt ?? new Date().toISOString(),
    })
    .catch((err: unknown) =>
      deps.logger.warn(
        { run: record.runId, err: redactSecrets(String(err)) },
        'could not queue the outcome for memory',
      ),
    );
}

/** The agent's stream is JSON lines: keep the text they carry (messages, results) and any plain stderr line. */
function readableLines(tail: string): string {
  return tail
    .split('\n')
    .map((line) => {
      // The tail can start inside a JSON line: a fragment of one is noise (token counts, ids), not a decisive line.
      if (!line.startsWith('{')) return /"\w+":/.test(line) ? '' : line;
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
