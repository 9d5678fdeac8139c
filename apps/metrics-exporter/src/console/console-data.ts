import type { NightshiftConfig } from '@nightshift/config';
import type { RunRecord } from '@nightshift/contracts';
import type { FleetState, FleetStateReader } from '@nightshift/fleet';
import { EventLog, HostRegistry, type HostView, RunStore, type StoredEvent, TicketCounters } from '@nightshift/state';
import type { Tracker } from '@nightshift/tracker';
import type { Redis } from 'ioredis';

/** How many recent runs and events the console reads per page (older ones are in `nightshift runs`/`events`). */
const RECENT_RUNS = 5000;
const RECENT_EVENTS = 5000;
/** "Tonight": the last twelve hours. */
const NIGHT_MS = 12 * 3600_000;
/** The tracker is asked for the ticket list at most this often (a hosted tracker's budget is for the swarm). */
const TICKETS_CACHE_MS = 3000;

export interface ConsoleDeps {
  redis: Redis;
  config: NightshiftConfig;
  fleet: FleetStateReader;
  /** Made on first use: the console runs, without Tickets, where the tracker's token is not given. */
  tracker: () => Tracker;
}

export interface Overview {
  fleet: FleetState;
  hosts: HostView;
  spendToday: { total: number; byRepo: Map<string, number>; byAccount: Map<string, number> };
  doneTonight: number;
}

/** A ticket as the console lists it: the tracker's view joined with Nightshift's runs and counters. */
export interface TicketRow {
  key: string;
  title: string;
  state: string;
  repo: string;
  attempts: number;
  model: string;
  lastOutcome: string;
  reason: string;
  prUrl: string;
  /** Why Nightshift handed it to a human (the move's reason), for a ticket in Needs Human. */
  needsHumanNote: string;
  paused: boolean;
}

/** What the console's pages read: the same Redis and tracker the CLI reads, nothing of its own. */
export class ConsoleData {
  private tickets?: { at: number; rows: Promise<Awaited<ReturnType<Tracker['listByStates']>>> };

  constructor(private readonly deps: ConsoleDeps) {}

  async overview(now = Date.now()): Promise<Overview> {
    const [fleet, hosts, runs, events] = await Promise.all([
      this.deps.fleet.read(new Date(now)),
      new HostRegistry(this.deps.redis).list(),
      this.runs(),
      this.events(),
    ]);
    const midnight = new Date(now);
    midnight.setUTCHours(0, 0, 0, 0);
    const today = runs.filter((r) => Date.parse(r.startedAt) >= midnight.getTime());
    const inReview = this.deps.config.tracker.states.inReview;
    const done = events.filter(
      (e) => e.type === 'ticket.moved' && e.detail?.['to'] === inReview && now - Date.parse(e.at) < NIGHT_MS,
    );
    return {
      fleet,
      hosts,
      spendToday: {
        total: today.reduce((s, r) => s + (r.costUsd ?? 0), 0),
        byRepo: sumBy(today, (r) => r.repo),
        byAccount: sumBy(today, (r) => r.account ?? 'default'),
      },
      doneTonight: new Set(done.map((e) => e.ticket)).size,
    };
  }

  async ticketRows(filter: { state?: string; repo?: string }): Promise<TicketRow[]> {
    const { states } = this.deps.config.tracker;
    if (!this.tickets || Date.now() - this.tickets.at > TICKETS_CACHE_MS) {
      const all = [...states.queue, states.inProgress, states.inReview, states.needsHuman];
      this.tickets = { at: Date.now(), rows: Promise.resolve().then(() => this.deps.tracker().listByStates(all)) };
    }
    const [tickets, runs, events, paused] = await Promise.all([
      this.tickets.rows,
      this.runs(),
      this.events(),
      this.deps.fleet
        .read()
        .then((f) => new Set(f.pauses.flatMap((p) => (p.scope.kind === 'ticket' ? [p.scope.ticket] : [])))),
    ]);
    const counters = new TicketCounters(this.deps.redis);
    const rows = await Promise.all(
      tickets.map(async (t): Promise<TicketRow> => {
        const last = runs.findLast((r) => r.tickets.includes(t.key));
        const handedOver = events.findLast(
          (e) => e.ticket === t.key && e.type === 'ticket.moved' && e.detail?.['to'] === states.needsHuman,
        );
        return {
          key: t.key,
          title: t.title,
          state: t.state,
          repo: last?.repo ?? '',
          attempts: await counters.attemptsSpent(t.key),
          model: last?.model ?? '',
          lastOutcome: last?.outcome ?? (last ? 'running' : ''),
          reason: last?.reason ?? '',
          prUrl: last?.prUrl ?? '',
          needsHumanNote:
            t.state === states.needsHuman ? String(handedOver?.detail?.['why'] ?? last?.reason ?? '') : '',
          paused: paused.has(t.key),
        };
      }),
    );
    return rows.filter((r) => (!filter.state || r.state === filter.state) && (!filter.repo || r.repo === filter.repo));
  }

  runs(): Promise<RunRecord[]> {
    return new RunStore(this.deps.redis).list(RECENT_RUNS);
  }

  run(key: string): Promise<RunRecord | null> {
    return new RunStore(this.deps.redis).get(key);
  }

  events(): Promise<StoredEvent[]> {
    return new EventLog(this.deps.redis).recent(RECENT_EVENTS);
  }
}

function sumBy(runs: RunRecord[], key: (r: RunRecord) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of runs) out.set(key(r), (out.get(key(r)) ?? 0) + (r.costUsd ?? 0));
  return out;
}
