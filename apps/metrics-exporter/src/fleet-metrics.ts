import type { NightshiftConfig } from '@nightshift/config';
import { type FleetState, QUEUE_STATES } from '@nightshift/fleet';
import { Counter, Gauge, type Registry } from 'prom-client';

import type { TicketMoveCounts } from './ticket-moves';

export interface FleetSources {
  /** The swarm's state, read at most once per scrape however many metrics ask. */
  fleet(): Promise<FleetState>;
  ticketMoves(): Promise<TicketMoveCounts>;
}

/**
 * The fleet-level series no single service owns, computed from Redis at scrape time. Run totals are
 * counters rebuilt from the run records on every scrape, so they are exact and survive restarts.
 * No label carries a ticket key: every ticket would add series forever (per-ticket cost is in
 * `GET /api/v1/tickets/:key` and `nightshift runs`).
 */
export function registerFleetMetrics(registry: Registry, config: NightshiftConfig, sources: FleetSources): void {
  const registers = [registry];
  const readErrors = new Counter({
    name: 'nightshift_exporter_read_errors_total',
    help: 'Scrapes in which the exporter could not read Redis (series then keep their last values)',
    registers,
  });
  const fleet = async (): Promise<FleetState | null> =>
    sources.fleet().catch(() => {
      readErrors.inc();
      return null;
    });
  /** A collect() that refills the metric from the fleet state of this scrape (kept as is when Redis cannot be read). */
  const fromFleet = <M extends { reset(): void }>(fill: (metric: M, state: FleetState) => void) =>
    async function collect(this: M): Promise<void> {
      const state = await fleet();
      if (!state) return;
      this.reset();
      fill(this, state);
    };
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge<string>, s: FleetState) => void) =>
    new Gauge({ name, help, labelNames, registers, collect: fromFleet(fill) });
  const counter = (
    name: string,
    help: string,
    labelNames: string[],
    fill: (c: Counter<string>, s: FleetState) => void,
  ) => new Counter({ name, help, labelNames, registers, collect: fromFleet(fill) });
  gauge('nightshift_queue_jobs', 'Jobs per queue and state', ['queue', 'state'], (g, s) => {
    for (const q of s.queues) for (const state of QUEUE_STATES) g.set({ queue: q.name, state }, q.counts[state] ?? 0);
  });
  gauge(
    'nightshift_queue_oldest_job_age_seconds',
    'Age of the oldest job per queue and state (0 when empty)',
    ['queue', 'state'],
    (g, s) => {
      for (const q of s.queues)
        for (const [state, age] of Object.entries(q.oldestAgeSec)) g.set({ queue: q.name, state }, age ?? 0);
    },
  );
  gauge(
    'nightshift_pause_active',
    'Pauses in force (1 per scope: intake, account:<name>, repo:<name>, ticket:<key>), by cause (auth pages)',
    ['scope', 'cause'],
    (g, s) => {
      for (const p of s.pauses) g.set({ scope: p.scopeLabel, cause: p.cause ?? 'manual' }, 1);
    },
  );
  gauge(
    'nightshift_pause_remaining_seconds',
    'Seconds until a timed pause ends by itself (manual pauses have none)',
    ['scope'],
    (g, s) => {
      for (const p of s.pauses) if (p.remainingSec !== null) g.set({ scope: p.scopeLabel }, p.remainingSec);
    },
  );
  gauge('nightshift_pause_age_seconds', 'Seconds since a pause in force began', ['scope'], (g, s) => {
    for (const p of s.pauses) g.set({ scope: p.scopeLabel }, p.ageSec);
  });
  gauge(
    'nightshift_dispatch_waiting_tickets',
    'Tickets left in the queue state for want of a free slot, by capability (back-pressure: no session job yet)',
    ['capability'],
    (g, s) => {
      for (const [capability, n] of Object.entries(s.dispatchWaiting)) g.set({ capability }, n);
    },
  );
  gauge('nightshift_host_slots', 'Session slots configured per host', ['host'], (g, s) => {
    for (const h of s.hosts) g.set({ host: h.name }, h.slots);
  });
  gauge('nightshift_host_sessions', 'Live agent sessions per host (from the session registry)', ['host'], (g, s) => {
    for (const h of s.hosts) g.set({ host: h.name }, h.sessions);
  });
  gauge(
    'nightshift_tracker_last_success_timestamp_seconds',
    'When each tracker last answered a poll (unix seconds)',
    ['tracker'],
    (g, s) => {
      for (const [tracker, at] of Object.entries(s.trackerLastSuccess)) g.set({ tracker }, Date.parse(at) / 1000);
    },
  );
  gauge('nightshift_tickets_stranded', 'Claimed tickets with no live session and no pending session job', [], (g, s) =>
    g.set(s.stranded.length),
  );
  const budget = new Gauge({
    name: 'nightshift_cost_budget_usd_per_hour',
    help: 'observability.costBudgetUsdPerHour from nightshift.yaml',
    registers,
  });
  budget.set(config.observability.costBudgetUsdPerHour);

  counter(
    'nightshift_runs_total',
    'Finished agent runs by outcome, model and repo (from the run records)',
    ['outcome', 'model', 'repo'],
    (c, s) => {
      for (const r of s.totals.runs) c.inc({ outcome: r.outcome, model: r.model, repo: r.repo }, r.count);
    },
  );
  counter(
    'nightshift_run_tokens_total',
    'Tokens used by finished runs, by kind, model, repo and account',
    ['kind', 'model', 'repo', 'account'],
    (c, s) => {
      for (const r of s.totals.tokens)
        c.inc({ kind: r.kind, model: r.model, repo: r.repo, account: r.account }, r.tokens);
    },
  );
  counter(
    'nightshift_run_cost_usd_total',
    'USD spent by finished runs, by model, repo, account and agent CLI (its vendor); estimated where the CLI prints none',
    ['model', 'repo', 'account', 'agent'],
    (c, s) => {
      for (const r of s.totals.costUsd)
        c.inc({ model: r.model, repo: r.repo, account: r.account, agent: r.agent }, r.usd);
    },
  );
  new Counter({
    name: 'nightshift_ticket_moves_total',
    help: 'Ticket moves by target state (from the event stream), e.g. how many went to Needs Human',
    labelNames: ['to'],
    registers,
    async collect() {
      const moves = await sources.ticketMoves().catch(() => null);
      if (!moves) return void readErrors.inc();
      this.reset();
      for (const [to, n] of moves) this.inc({ to }, n);
    },
  });
}
