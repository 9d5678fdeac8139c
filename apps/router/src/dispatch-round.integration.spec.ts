import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { parseConfig } from '@nightshift/config';
import { type IntakeJob, type SessionJob, sessionQueueName, ticketSnapshot } from '@nightshift/contracts';
import { LocalForge } from '@nightshift/forge';
import { createJobQueue, type JobQueue } from '@nightshift/service-shell';
import {
  Claims,
  DispatchWaiting,
  EventLog,
  FollowUps,
  HostRegistry,
  PauseStore,
  RunStore,
  TicketCounters,
} from '@nightshift/state';
import { useTestRedis } from '@nightshift/testing-fakes';
import { LocalBoard, type Tracker } from '@nightshift/tracker';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';

import { Dispatcher } from './dispatch-round';
import { routeIntake } from './route-intake';
import type { RouterDeps } from './router-deps';

const testRedis = useTestRedis({ flush: false });
let redis: Redis;
let dir: string;
let board: LocalBoard;
let queue: JobQueue<'session'>;
/** getTicket calls the router made, by key, and its listings: the tracker double counts them. */
let reads: string[];
let lists: number;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ns-dispatch-'));
  redis = testRedis.redis;
  queue = createJobQueue('session', sessionQueueName('linux'), { connection: redis });
});
afterAll(async () => {
  await queue.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The host(s) the cases register: by default one linux host with the given slots. */
type TestHost = { name: string; capabilities: string[]; slots: number };

async function setUp(
  routing: string,
  slots: number,
  opts: { repos?: string; hosts?: TestHost[]; queues?: (capability: string) => JobQueue<'session'> } = {},
): Promise<RouterDeps> {
  await redis.flushall();
  const root = mkdtempSync(path.join(dir, 'case-'));
  const config = parseConfig(
    `repos:\n  - { name: api, remote: /r/api.git }\n${opts.repos ?? ''}routing: ${routing}\n`,
    path.join(root, 'nightshift.yaml'),
  );
  board = new LocalBoard({ dir: config.paths.board });
  reads = [];
  lists = 0;
  const tracker: Tracker = {
    kind: board.kind,
    listByStates: (states) => {
      lists++;
      return board.listByStates(states);
    },
    getTicket: (key) => {
      reads.push(key);
      return board.getTicket(key);
    },
    moveTo: (key, state) => board.moveTo(key, state),
    comment: (key, body) => board.comment(key, body),
  };
  const hosts = new HostRegistry(redis);
  const now = new Date().toISOString();
  const info = { slotsBusy: 0, version: 't', pid: 1, startedAt: now, heartbeatAt: now };
  for (const host of opts.hosts ?? [{ name: 'linux-1', capabilities: ['linux'], slots }])
    await hosts.beat({ ...host, ...info }, 600_000);
  return {
    config,
    tracker,
    forge: new LocalForge({ dir: config.paths.forge }),
    redis,
    claims: new Claims(redis),
    counters: new TicketCounters(redis),
    events: new EventLog(redis),
    pauses: new PauseStore(redis),
    runs: new RunStore(redis),
    followUps: new FollowUps(redis),
    hosts,
    sessionQueue: opts.queues ?? (() => queue),
    logger: pino({ level: 'silent' }),
  };
}

async function intake(key: string): Promise<IntakeJob> {
  const ticket = (await board.getTicket(key))!;
  return { ticketKey: key, source: 'poll', seenAt: new Date().toISOString(), ticket: ticketSnapshot(ticket) };
}

async function queued(): Promise<string[]> {
  return (await queue.getJobs(['waiting', 'prioritized'])).flatMap((j) => (j.data as SessionJob).tickets);
}

async function inProgress(): Promise<string[]> {
  return (await board.listByStates(['In Progress'])).map((t) => t.key);
}

/** The session holding `key` ran and finished: its job is gone, the ticket In Review, the claim released. */
async function finish(key: string): Promise<void> {
  for (const job of await queue.getJobs(['waiting', 'prioritized']))
    if ((job.data as SessionJob).tickets.includes(key)) {
      await job.remove();
      await redis.del(`nightshift:claim:${key}`);
    }
  await board.moveTo(key, 'In Review');
}

describe('dispatch with back-pressure', () => {
  it('claims only what the free slots take; the rest wait in the queue state, unclaimed and never read in full', async () => {
    const deps = await setUp('{ batchSize: 1 }', 2);
    const keys: string[] = [];
    for (let i = 0; i < 6; i++) keys.push((await board.add({ title: `[api] t${i}` })).key);
    const jobs = await Promise.all(keys.map(intake));
    const dispatcher = new Dispatcher(deps);
    const results = await Promise.all(jobs.map((j) => routeIntake(j, deps, dispatcher)));

    expect(results.map((r) => r.decision)).toEqual([
      'dispatched',
      'dispatched',
      'waiting',
      'waiting',
      'waiting',
      'waiting',
    ]);
    expect(await inProgress()).toEqual(keys.slice(0, 2));
    expect((await queued()).sort()).toEqual(keys.slice(0, 2));
    for (const key of keys.slice(2)) expect(await deps.claims.holder(key)).toBeNull();
    // Offered again and again (every scan), the waiting tickets cost no full read.
    for (let i = 0; i < 3; i++) for (const j of jobs.slice(2)) await routeIntake(j, deps, dispatcher);
    expect(reads).toEqual([]);
  });

  it('a waiting ticket a session-end round dispatches stops counting as waiting at once', async () => {
    const deps = await setUp('{ batchSize: 1 }', 1);
    const [a, b] = [await board.add({ title: '[api] a' }), await board.add({ title: '[api] b' })].map((t) => t.key) as [
      string,
      string,
    ];
    const dispatcher = new Dispatcher(deps);
    for (const key of [a, b]) await routeIntake(await intake(key), deps, dispatcher);
    const waiting = new DispatchWaiting(redis);
    expect(await waiting.counts(60_000)).toEqual({ linux: 1 });

    await finish(a);
    await dispatcher.offer('linux');
    expect(await inProgress()).toEqual([b]);
    expect(await waiting.counts(60_000)).toEqual({});
  });

  it('a host serving two capabilities is offered once: its slots are shared by both queues', async () => {
    const mobile = createJobQueue('session', sessionQueueName('mobile'), { connection: redis });
    try {
      const queues = (capability: string) => (capability === 'mobile' ? mobile : queue);
      const deps = await setUp('{ batchSize: 1 }', 0, {
        repos:
          '  - { name: app, remote: /r/app.git, capability: mobile }\n' +
          'hosts:\n  - { name: mac-1, capabilities: [mobile, linux], slots: 2 }\n' +
          '  - { name: linux-1, capabilities: [linux], slots: 1 }\n',
        hosts: [
          { name: 'mac-1', capabilities: ['mobile', 'linux'], slots: 2 },
          { name: 'linux-1', capabilities: ['linux'], slots: 1 },
        ],
        queues,
      });
      const keys: string[] = [];
      for (let i = 0; i < 4; i++) {
        keys.push((await board.add({ title: `[app] m${i}` })).key);
        keys.push((await board.add({ title: `[api] l${i}` })).key);
      }
      const dispatcher = new Dispatcher(deps);
      await Promise.all(keys.map(async (k) => routeIntake(await intake(k), deps, dispatcher)));
      // Three slots in all (mac 2, linux 1): never more In Progress, whichever capability took them.
      expect(await inProgress()).toHaveLength(3);
      const mobileQueued = (await mobile.getJobs(['waiting', 'prioritized'])).length;
      expect(mobileQueued + (await queued()).length).toBe(3);
      await dispatcher.offer('mobile');
      await dispatcher.offer('linux');
      expect(await inProgress()).toHaveLength(3);
    } finally {
      await mobile.obliterate({ force: true });
      await mobile.close();
    }
  });

  it('counts each live replica of a host: three runners of a one-slot host take three sessions, one that leaves frees its slot', async () => {
    const deps = await setUp('{ batchSize: 1 }', 1);
    const now = new Date().toISOString();
    const replica = (runnerId: string) => ({
      name: 'linux-1',
      capabilities: ['linux'],
      slots: 1,
      slotsBusy: 0,
      version: 't',
      pid: 7, // every container's runner has the same pid: the runner id tells replicas apart
      startedAt: now,
      heartbeatAt: now,
      runnerId,
    });
    for (const id of ['r1', 'r2', 'r3']) await deps.hosts.beat(replica(id), 600_000);
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) keys.push((await board.add({ title: `[api] r${i}` })).key);
    const dispatcher = new Dispatcher(deps);
    const results = await Promise.all(
      (await Promise.all(keys.map(intake))).map((j) => routeIntake(j, deps, dispatcher)),
    );
    expect(results.filter((r) => r.decision === 'dispatched')).toHaveLength(3);

    // One replica stops cleanly: the host stays live (two still beat), and its slot is no longer counted.
    await deps.hosts.leave('linux-1', 'r3');
    expect((await deps.hosts.list()).live.map((h) => h.name)).toEqual(['linux-1']);
    expect(await deps.hosts.runnerCounts(['linux-1'])).toEqual(new Map([['linux-1', 2]]));
    await finish(keys[0]!);
    const again = await routeIntake(await intake(keys[3]!), deps, dispatcher);
    expect(again.decision).toBe('waiting');
  });

  it('when a slot frees, takes the best ticket as the board is now: a raise to Urgent goes next, a pull-back never starts', async () => {
    const deps = await setUp('{ batchSize: 1 }', 1);
    const [a, b, c, d] = [
      await board.add({ title: '[api] a', priority: 3 }),
      await board.add({ title: '[api] b', priority: 3 }),
      await board.add({ title: '[api] c', priority: 4 }),
      await board.add({ title: '[api] d', priority: 4 }),
    ].map((t) => t.key) as [string, string, string, string];
    const dispatcher = new Dispatcher(deps);
    for (const key of [a, b, c, d]) await routeIntake(await intake(key), deps, dispatcher);
    expect(await inProgress()).toEqual([a]);

    // While they wait, a human raises d to Urgent and takes b back to Backlog.
    await board.edit(d, { priority: 1 });
    await board.moveTo(b, 'Backlog');
    await finish(a);
    await dispatcher.offer('linux');
    expect(await inProgress()).toEqual([d]);
    await finish(d);
    await dispatcher.offer('linux');
    expect(await inProgress()).toEqual([c]);
    await finish(c);
    await dispatcher.offer('linux');
    expect(await inProgress()).toEqual([]);
    expect((await board.getTicket(b))!.state).toBe('Backlog');
    expect(reads).toEqual([]);
  });

  it('never puts more than slots × batchSize tickets In Progress, however many routers race', async () => {
    const deps = await setUp('{ batchSize: 2 }', 2);
    const keys: string[] = [];
    for (let i = 0; i < 9; i++) keys.push((await board.add({ title: `[api] t${i}` })).key);
    const jobs = await Promise.all(keys.map(intake));
    // Five routers, each with its own dispatcher: only the Redis lock keeps them from spending one slot twice.
    const routers = Array.from({ length: 5 }, () => new Dispatcher(deps));
    await Promise.all(jobs.flatMap((j) => routers.map((r) => routeIntake(j, deps, r))));
    expect((await inProgress()).length).toBe(4);
    expect((await queued()).sort()).toEqual((await inProgress()).sort());
  });

  it('with every slot running, queues up to dispatchLookahead tickets ahead, within slots × batchSize', async () => {
    const deps = await setUp('{ batchSize: 3, dispatchLookahead: 1 }', 2);
    const connection = redis.duplicate();
    const runner = new Worker(sessionQueueName('linux'), null, { connection, autorun: false });
    const take = () => runner.getNextJob('runner-token');
    try {
      const dispatcher = new Dispatcher(deps);
      const first = (await board.add({ title: '[api] first' })).key;
      await dispatcher.offer('linux');
      await take();
      const later: string[] = [];
      for (let i = 0; i < 5; i++) later.push((await board.add({ title: `[api] later ${i}` })).key);
      await dispatcher.offer('linux');
      await take();
      // Both slots run (one ticket, then a batch of three); one ticket may wait ahead, no more.
      await dispatcher.offer('linux');
      await dispatcher.offer('linux');
      expect(await queued()).toEqual([later[3]]);
      expect((await inProgress()).sort()).toEqual([first, ...later.slice(0, 4)].sort());
      expect((await board.getTicket(later[4]!))!.state).toBe('Agent Queue');
    } finally {
      await runner.close();
      connection.disconnect();
    }
  });
  it('batches only tickets asking for the same agent CLI as the lead', async () => {
    const deps = await setUp('{ batchSize: 3 }', 1);
    const lead = (await board.add({ title: '[api] lead' })).key;
    const codex = (await board.add({ title: '[api] on codex', labels: ['agent:codex'] })).key;
    const plain = (await board.add({ title: '[api] plain' })).key;
    await new Dispatcher(deps).offer('linux');
    expect((await queued()).sort()).toEqual([lead, plain].sort());
    expect((await board.getTicket(codex))!.state).toBe('Agent Queue');
  });

  it('re-offered by every scan, a held-back backlog with slots free lists the board once, and a new ticket still goes at once', async () => {
    const deps = await setUp('{ batchSize: 1 }', 2);
    const held: string[] = [];
    for (let i = 0; i < 5; i++) {
      const key = (await board.add({ title: `[api] held ${i}` })).key;
      await deps.counters.coolDown(key, 600_000, 'rate limited');
      held.push(key);
    }
    const dispatcher = new Dispatcher(deps);
    for (let scan = 0; scan < 3; scan++) {
      const results = await Promise.all(held.map(async (k) => routeIntake(await intake(k), deps, dispatcher)));
      expect(results.map((r) => r.reason)).toEqual(held.map(() => 'cooling down after: rate limited'));
    }
    expect(lists).toBe(1);
    const fresh = (await board.add({ title: '[api] fresh' })).key;
    expect((await routeIntake(await intake(fresh), deps, dispatcher)).decision).toBe('dispatched');
    expect(lists).toBe(2);
    expect(reads).toEqual([]);
  });
});
