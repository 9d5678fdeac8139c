import { createHash } from 'node:crypto';

import { type IntakeJob, intakeJobId, JOB, ticketSnapshot } from '@nightshift/contracts';
import type { JobQueue } from '@nightshift/service-shell';
import type { EventLog } from '@nightshift/state';
import { isBlocked, type Tracker } from '@nightshift/tracker';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';

export type WebhookSource = 'linear' | 'github' | 'jira' | 'gitlab';
export type WebhookResult =
  'enqueued' | 'duplicate' | 'ignored' | 'unauthorized' | 'malformed' | 'rate_limited' | 'error';

export interface WebhookIntakeDeps {
  tracker: Tracker;
  intake: JobQueue<'intake'>;
  redis: Redis;
  events: EventLog;
  logger: Logger;
  registry: Registry;
  queueStates: string[];
  /**
   * How long a delivery is remembered, so a redelivery or replay is answered without a second intake; also the
   * replay window: a delivery signed longer ago than this is refused. Default 24 h.
   */
  dedupeSec?: number;
  /** New deliveries per source per minute that may reach the tracker; more are answered 429. Default 120. */
  maxPerMinute?: number;
}

/** What to answer the sender. */
export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * The part of webhook intake that does not depend on the sender: refuse a delivery signed too long ago, remember
 * it by a hash of its signed body (the delivery-id header is not signed: a captured delivery replayed with fresh
 * ids is still one delivery), keep each source under a rate, check that the ticket really is a candidate (in a
 * queue state, not blocked) and enqueue it under the same deterministic job id polling uses, so a webhook and a
 * poll never double an intake.
 */
export class WebhookIntake {
  private readonly counter: Counter;

  constructor(private readonly deps: WebhookIntakeDeps) {
    this.counter = new Counter({
      name: 'nightshift_webhooks_total',
      help: 'Tracker webhook deliveries by result',
      labelNames: ['source', 'result'],
      registers: [deps.registry],
    });
  }

  /** Counts a delivery answered before reaching intake (bad signature, bad JSON, irrelevant event). */
  answer(source: WebhookSource, result: WebhookResult, status: number, reason: string): WebhookAnswer {
    this.counter.inc({ source, result });
    if (result === 'unauthorized' || result === 'malformed')
      this.deps.logger.warn({ source, status, reason }, 'webhook refused');
    return { status, body: { result, reason } };
  }

  /**
   * Intake for one ticket named by a verified delivery. `signedAt` (ms): when the sender's signed body says it was
   * made, where the tracker signs one; `deliveryId` is only quoted (it is not signed).
   */
  async offer(
    source: WebhookSource,
    key: string,
    deliveryId: string | undefined,
    rawBody: string,
    signedAt?: number,
  ): Promise<WebhookAnswer> {
    const windowSec = this.deps.dedupeSec ?? 86_400;
    // Older than the dedupe memory: a replay the hash below could no longer recognise.
    if (signedAt !== undefined && Date.now() - signedAt > windowSec * 1000)
      return this.answer(source, 'unauthorized', 401, `the delivery was signed more than ${windowSec} s ago`);
    const id = createHash('sha256').update(rawBody).digest('hex');
    const seenKey = `nightshift:webhook:${source}:${id}`;
    if ((await this.deps.redis.set(seenKey, key, 'EX', windowSec, 'NX')) !== 'OK') {
      const named = deliveryId && /^[\w-]{1,100}$/.test(deliveryId) ? ` (delivery ${deliveryId})` : '';
      return this.answer(source, 'duplicate', 200, `this signed body${named} was already handled`);
    }
    if (!(await this.withinRate(source))) {
      await this.deps.redis.del(seenKey).catch(() => undefined);
      return this.answer(source, 'rate_limited', 429, 'too many deliveries from this source; polling catches up');
    }
    try {
      const ticket = await this.deps.tracker.getTicket(key);
      if (!ticket) return this.answer(source, 'ignored', 200, `${key} is not a ticket of the configured teams/repos`);
      if (!this.deps.queueStates.includes(ticket.state))
        return this.answer(source, 'ignored', 200, `${key} is in "${ticket.state}", not a queue state`);
      if (isBlocked(ticket)) return this.answer(source, 'ignored', 200, `${key} is blocked by an open ticket`);
      const job: IntakeJob = {
        ticketKey: key,
        source: 'webhook',
        seenAt: new Date().toISOString(),
        ticket: ticketSnapshot(ticket),
      };
      await this.deps.intake.add(JOB.intake, job, { jobId: intakeJobId(key) });
      await this.deps.events.append({
        type: 'ticket.scanned',
        ticket: key,
        detail: { state: ticket.state, source: 'webhook' },
      });
      this.counter.inc({ source, result: 'enqueued' });
      return { status: 202, body: { result: 'enqueued', ticket: key } };
    } catch (err) {
      // Forget the delivery so the sender's retry is handled; polling remains the safety net meanwhile.
      await this.deps.redis.del(seenKey).catch(() => undefined);
      this.counter.inc({ source, result: 'error' });
      this.deps.logger.warn(
        { source, ticket: key, err: err instanceof Error ? err.message : String(err) },
        'webhook intake failed; the sender will retry and polling catches up',
      );
      return { status: 503, body: { result: 'error', reason: 'tracker unavailable, retry later' } };
    }
  }

  /** A fixed one-minute window per source in Redis (shared by every scanner): true while under maxPerMinute. */
  private async withinRate(source: WebhookSource): Promise<boolean> {
    const rateKey = `nightshift:webhook:rate:${source}:${Math.floor(Date.now() / 60_000)}`;
    const [[, count]] = (await this.deps.redis.multi().incr(rateKey).expire(rateKey, 120).exec()) as [
      [Error | null, number],
    ];
    return count <= (this.deps.maxPerMinute ?? 120);
  }
}
