import { createHash } from 'node:crypto';
import type { JobQueue } from '@nightshift/service-shell';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { intakeJobId, JOB, type IntakeJob } from '@nightshift/contracts';
import type { EventLog } from '@nightshift/state';
import { isBlocked, type Tracker } from '@nightshift/tracker';

export type WebhookSource = 'linear' | 'github';
export type WebhookResult = 'enqueued' | 'duplicate' | 'ignored' | 'unauthorized' | 'malformed' | 'error';

export interface WebhookIntakeDeps {
  tracker: Tracker;
  intake: JobQueue<'intake'>;
  redis: Redis;
  events: EventLog;
  logger: Logger;
  registry: Registry;
  queueStates: string[];
  /** How long a delivery id is remembered, so a redelivery is answered without a second intake. Default 24 h. */
  dedupeSec?: number;
}

/** What to answer the sender. */
export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * The part of webhook intake that does not depend on the sender: remember the delivery, check that
 * the ticket really is a candidate (in a queue state, not blocked) and enqueue it under the same
 * deterministic job id polling uses, so a webhook and a poll never double an intake.
 */
export class WebhookIntake {
  private readonly counter: Counter;

  constructor(private readonly deps: WebhookIntakeDeps) {
    this.counter = new Counter({ name: 'nightshift_webhooks_total', help: 'Tracker webhook deliveries by result', labelNames: ['source', 'result'], registers: [deps.registry] });
  }

  /** Counts a delivery answered before reaching intake (bad signature, bad JSON, irrelevant event). */
  answer(source: WebhookSource, result: WebhookResult, status: number, reason: string): WebhookAnswer {
    this.counter.inc({ source, result });
    if (result === 'unauthorized' || result === 'malformed') this.deps.logger.warn({ source, status, reason }, 'webhook refused');
    return { status, body: { result, reason } };
  }

  /** Intake for one ticket named by a verified delivery. `deliveryId` falls back to a hash of the body. */
  async offer(source: WebhookSource, key: string, deliveryId: string | undefined, rawBody: string): Promise<WebhookAnswer> {
    const id = deliveryId && /^[\w-]{1,100}$/.test(deliveryId) ? deliveryId : createHash('sha256').update(rawBody).digest('hex');
    const seenKey = `nightshift:webhook:${source}:${id}`;
    if ((await this.deps.redis.set(seenKey, key, 'EX', this.deps.dedupeSec ?? 86_400, 'NX')) !== 'OK') {
      return this.answer(source, 'duplicate', 200, `delivery ${id} was already handled`);
    }
    try {
      const ticket = await this.deps.tracker.getTicket(key);
      if (!ticket) return this.answer(source, 'ignored', 200, `${key} is not a ticket of the configured teams/repos`);
      if (!this.deps.queueStates.includes(ticket.state)) return this.answer(source, 'ignored', 200, `${key} is in "${ticket.state}", not a queue state`);
      if (isBlocked(ticket)) return this.answer(source, 'ignored', 200, `${key} is blocked by an open ticket`);
      const job: IntakeJob = { ticketKey: key, source: 'webhook', seenAt: new Date().toISOString() };
      await this.deps.intake.add(JOB.intake, job, { jobId: intakeJobId(key) });
      await this.deps.events.append({ type: 'ticket.scanned', ticket: key, detail: { state: ticket.state, source: 'webhook' } });
      this.counter.inc({ source, result: 'enqueued' });
      return { status: 202, body: { result: 'enqueued', ticket: key } };
    } catch (err) {
      // Forget the delivery so the sender's retry is handled; polling remains the safety net meanwhile.
      await this.deps.redis.del(seenKey).catch(() => undefined);
      this.counter.inc({ source, result: 'error' });
      this.deps.logger.warn({ source, ticket: key, err: err instanceof Error ? err.message : String(err) }, 'webhook intake failed; the sender will retry and polling catches up');
      return { status: 503, body: { result: 'error', reason: 'tracker unavailable, retry later' } };
    }
  }
}
