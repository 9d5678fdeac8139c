import type { SessionJob } from '@nightshift/contracts';
import type { JobQueue } from '@nightshift/service-shell';
import type { HostRegistry } from '@nightshift/state';

/** What one capability's hosts can take now, from the host registry and the capability's session queue. */
export interface Capacity {
  /** Slots of the live hosts serving the capability (a host's slots once per live runner replica). */
  slots: number;
  /** Session jobs running (active). */
  running: number;
  /** Session jobs waiting for a slot (waiting, prioritized, delayed). */
  queued: number;
  /** Tickets those running and queued sessions hold (each is In Progress). */
  ticketsInFlight: number;
  /** Tickets the queued sessions hold. */
  ticketsQueued: number;
}

/** Reads a capability's capacity: live hosts' slots, and the running and queued sessions of its queue. */
export async function readCapacity(
  hosts: HostRegistry,
  sessionQueue: (capability: string) => Pick<JobQueue<'session'>, 'getJobs'>,
  capability: string,
): Promise<Capacity> {
  const fleet = await liveFleet(hosts);
  const own = await readQueue(sessionQueue(capability));
  // A host serving two capabilities shares its slots between their queues (the runner holds one semaphore).
  let shared = 0;
  for (const other of sharingCapabilities(fleet, capability)) {
    const theirs = await readQueue(sessionQueue(other));
    shared += spill(fleet, other, capability, theirs.running.size + theirs.waiting.size);
  }
  const queuedTickets = tickets(own.waiting);
  return {
    slots: Math.max(0, slotsOf(fleet, (h) => h.capabilities.includes(capability)) - shared),
    running: own.running.size,
    queued: own.waiting.size,
    ticketsInFlight: tickets(own.running) + queuedTickets,
    ticketsQueued: queuedTickets,
  };
}

/** Slots of the live hosts serving the capability: a host's slots once per live runner replica. */
export async function liveSlots(hosts: HostRegistry, capability: string): Promise<number> {
  return slotsOf(await liveFleet(hosts), (h) => h.capabilities.includes(capability));
}

interface LiveHost {
  capabilities: string[];
  /** Its slots times its live runner replicas (compose `replicas` share one host entry). */
  slots: number;
}

async function liveFleet(hosts: HostRegistry): Promise<LiveHost[]> {
  const live = (await hosts.list()).live;
  const runners = await hosts.runnerCounts(live.map((h) => h.name));
  return live.map((h) => ({ capabilities: h.capabilities, slots: h.slots * (runners.get(h.name) ?? 1) }));
}

function slotsOf(fleet: LiveHost[], which: (h: LiveHost) => boolean): number {
  return fleet.filter(which).reduce((n, h) => n + h.slots, 0);
}

/** The other capabilities served by a host that also serves `capability`. */
function sharingCapabilities(fleet: LiveHost[], capability: string): string[] {
  const out = new Set<string>();
  for (const h of fleet) if (h.capabilities.includes(capability)) for (const c of h.capabilities) out.add(c);
  out.delete(capability);
  return [...out];
}

/**
 * How many of `capability`'s slots `other`'s sessions may take: those beyond the slots of the hosts that serve
 * `other` but not `capability`. Counted as if they all land on shared hosts first would be too strict; as if
 * none did, a shared host is offered twice (In Progress above its slots).
 */
function spill(fleet: LiveHost[], other: string, capability: string, sessions: number): number {
  const elsewhere = slotsOf(fleet, (h) => h.capabilities.includes(other) && !h.capabilities.includes(capability));
  return Math.max(0, sessions - elsewhere);
}

/**
 * A queue's running and queued sessions by job id → tickets held. Three reads, none atomic with the others: a
 * job moving between states while they run (queued → active, or active → delayed) shows in at least one of
 * them. Missing it would let a round spend a slot still taken.
 */
async function readQueue(
  queue: Pick<JobQueue<'session'>, 'getJobs'>,
): Promise<{ running: Map<string, number>; waiting: Map<string, number> }> {
  const queuedBefore = await queue.getJobs([...QUEUED]);
  const active = await queue.getJobs(['active']);
  const queuedAfter = await queue.getJobs([...QUEUED]);
  const running = byId(active);
  const waiting = byId([...queuedBefore, ...queuedAfter]);
  for (const id of running.keys()) waiting.delete(id);
  return { running, waiting };
}

const QUEUED = ['waiting', 'prioritized', 'delayed'] as const;

type AnyJob = { id?: string; data: unknown } | undefined;

function byId(jobs: AnyJob[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const job of jobs) if (job?.id) out.set(job.id, (job.data as SessionJob | undefined)?.tickets.length ?? 0);
  return out;
}

function tickets(jobs: Map<string, number>): number {
  return [...jobs.values()].reduce((n, t) => n + t, 0);
}

/**
 * How many tickets the next session of this capability may take (0: none starts now). Never past
 * `slots × batchSize` tickets in flight; within that, a session goes out for a slot no running or queued
 * session has taken, or, all slots spoken for, while fewer than `lookahead` tickets wait in queued sessions.
 */
export function nextSessionRoom(c: Capacity, batchSize: number, lookahead: number): number {
  const left = c.slots * batchSize - c.ticketsInFlight;
  if (left <= 0) return 0;
  const freeSlot = c.running + c.queued < c.slots;
  const ahead = freeSlot ? batchSize : lookahead - c.ticketsQueued;
  return Math.max(0, Math.min(batchSize, left, ahead));
}

/** The capacity after one more queued session holding `tickets` tickets. */
export function withQueuedSession(c: Capacity, tickets: number): Capacity {
  return {
    ...c,
    queued: c.queued + 1,
    ticketsInFlight: c.ticketsInFlight + tickets,
    ticketsQueued: c.ticketsQueued + tickets,
  };
}
