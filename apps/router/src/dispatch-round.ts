import type { IntakeResult, TicketSnapshot } from '@nightshift/contracts';
import { routeTicket } from '@nightshift/domain';
import { intakeHold } from '@nightshift/pause-policy';
import { DispatchWaiting } from '@nightshift/state';

import { type Capacity, nextSessionRoom, readCapacity, withQueuedSession } from './dispatch-capacity';
import { withDispatchLock } from './dispatch-lock';
import { dispatchLead } from './dispatch-ticket';
import type { RouterDeps } from './router-deps';

/** What one round decided, by ticket key; a ticket it did not reach is waiting. */
export type RoundResults = Map<string, IntakeResult>;

/** How long a round that found free slots but nothing to start answers intake for the tickets it saw unchanged. */
const IDLE_ANSWER_MS = 5_000;

/** A round that listed the board, walked all of it and started nothing: free slots, nothing they may take. */
interface IdleRound {
  at: number;
  /** Listed ticket → its updatedAt then. */
  seen: Map<string, string>;
  results: RoundResults;
}

/**
 * Dispatch with back-pressure: a round fills a capability's free slots from the tracker's queue, listed at
 * that moment, so priority, blockers and state are the board's as it is now (a human's reorder or pull-back
 * before dispatch counts). Tickets beyond the free slots stay in the queue state, unclaimed. A round runs on
 * every intake and whenever a session of the capability ends; offers that come while one runs share the next.
 */
export class Dispatcher {
  private readonly running = new Map<string, Promise<RoundResults>>();
  private readonly owed = new Map<string, Promise<RoundResults>>();
  private readonly idle = new Map<string, IdleRound>();
  /** The tickets whose offers wait for the owed round ('all': a session's end, which always runs one). */
  private readonly owedFor = new Map<string, TicketSnapshot[] | 'all'>();

  constructor(private readonly deps: RouterDeps) {}

  /**
   * Runs a round for the capability now, or, while one runs, once it ends (shared by every offer meanwhile). An
   * intake offer (`ticket` given) for a ticket the last round saw as it is now, when that round found free slots
   * and nothing they may take, gets that round's answer: a scan re-offering a held-back backlog (a repo over
   * budget, tickets cooling down) does not list the board once per ticket. A session's end always runs a round.
   */
  offer(capability: string, ticket?: TicketSnapshot): Promise<RoundResults> {
    const idle = this.idleAnswer(capability, ticket ? [ticket] : 'all');
    if (idle) return Promise.resolve(idle);
    const current = this.running.get(capability);
    if (!current) return this.start(capability);
    const asked = this.owedFor.get(capability) ?? [];
    this.owedFor.set(capability, ticket && asked !== 'all' ? [...asked, ticket] : 'all');
    let next = this.owed.get(capability);
    if (!next) {
      // The answer covers both rounds: a ticket the running one took was taken, whatever the next one says.
      const before = current.catch((): RoundResults => new Map());
      next = before.then(async (earlier) => {
        const owedFor = this.owedFor.get(capability) ?? 'all';
        this.owed.delete(capability);
        this.owedFor.delete(capability);
        // The round just ended may have found nothing to start for exactly these tickets.
        const later = this.idleAnswer(capability, owedFor) ?? (await this.start(capability));
        return new Map([...earlier, ...later]);
      });
      this.owed.set(capability, next);
    }
    return next;
  }

  /** The last idle round's answer, if it is recent and saw every one of these tickets as they are now. */
  private idleAnswer(capability: string, tickets: TicketSnapshot[] | 'all'): RoundResults | undefined {
    const idle = this.idle.get(capability);
    if (tickets === 'all' || !idle || Date.now() - idle.at >= IDLE_ANSWER_MS) return undefined;
    return tickets.every((t) => idle.seen.get(t.key) === t.updatedAt) ? idle.results : undefined;
  }

  private start(capability: string): Promise<RoundResults> {
    // One lock for every capability: a host serving two shares its slots between their rounds.
    const round = withDispatchLock(this.deps.redis, 'fleet', () => this.round(capability)).finally(() => {
      if (this.running.get(capability) === round) this.running.delete(capability);
    });
    this.running.set(capability, round);
    return round;
  }

  private async round(capability: string): Promise<RoundResults> {
    const { config, tracker } = this.deps;
    const results: RoundResults = new Map();
    const lookahead = config.routing.dispatchLookahead ?? config.routing.batchSize;
    const batchSize = config.routing.batchSize;
    let capacity: Capacity = await readCapacity(this.deps.hosts, this.deps.sessionQueue, capability);
    let room = nextSessionRoom(capacity, batchSize, lookahead);
    this.idle.delete(capability);
    if (room === 0 || (await intakeHold(this.deps.pauses))) return results;
    const listedAt = Date.now();
    const listed = await tracker.listByStates(config.tracker.states.queue);
    const taken = new Set<string>();
    for (const ticket of listed) {
      if (room === 0) break;
      if (taken.has(ticket.key)) continue;
      const route = routeTicket(ticket, config.repos);
      if (route.kind !== 'routed') continue;
      const repo = config.repos.find((r) => r.name === route.repo)!;
      if (repo.capability !== capability) continue;
      const rest = listed.filter((t) => !taken.has(t.key));
      const { tickets, ...result } = await dispatchLead(this.deps, ticket, repo, route.by, rest, room);
      results.set(ticket.key, result);
      for (const key of tickets ?? []) {
        taken.add(key);
        results.set(key, key === ticket.key ? result : { ...result, reason: `batched with ${ticket.key}` });
      }
      if (tickets) {
        capacity = withQueuedSession(capacity, tickets.length);
        room = nextSessionRoom(capacity, batchSize, lookahead);
      }
    }
    // A ticket this round answered no longer waits for a slot; a round after a session's end has no intake to say so.
    await new DispatchWaiting(this.deps.redis).clear(...[...results.keys()]);
    if (room > 0 && ![...results.values()].some((r) => r.decision === 'dispatched'))
      this.idle.set(capability, { at: listedAt, seen: new Map(listed.map((t) => [t.key, t.updatedAt])), results });
    return results;
  }
}
