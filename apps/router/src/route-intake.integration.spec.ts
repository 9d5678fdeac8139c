import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { parseConfig } from '@nightshift/config';
import { type IntakeJob, type SessionJob, sessionQueueName, ticketSnapshot } from '@nightshift/contracts';
import { infraFingerprint } from '@nightshift/domain';
import { LocalForge } from '@nightshift/forge';
import { createJobQueue, type JobQueue } from '@nightshift/service-shell';
import { Claims, EventLog, FollowUps, HostRegistry, PauseStore, RunStore, TicketCounters } from '@nightshift/state';
import { useTestRedis } from '@nightshift/testing-fakes';
import { LocalBoard } from '@nightshift/tracker';
import type { Redis } from 'ioredis';
import pino from 'pino';

import { Dispatcher } from './dispatch-round';
import { routeIntake as route } from './route-intake';
import type { RouterDeps } from './router-deps';

const testRedis = useTestRedis({ flush: false });
let redis: Redis;
let dir: string;
let deps: RouterDeps;
let board: LocalBoard;
let queue: JobQueue<'session'>;

/** The intake job a scan would queue for the ticket as the board shows it now. */
async function intake(ticketKey: string): Promise<IntakeJob> {
  const ticket = (await board.getTicket(ticketKey))!;
  return { ticketKey, source: 'poll', seenAt: new Date().toISOString(), ticket: ticketSnapshot(ticket) };
}

/** One router's decision on a ticket, as its intake worker would make it. */
async function routeIntake(job: Promise<IntakeJob>, routerDeps: RouterDeps = deps) {
  return route(await job, routerDeps, new Dispatcher(routerDeps));
}

/** A live host serving `linux` with this many slots (the capacity dispatch fills). */
async function host(slots: number): Promise<void> {
  await deps.hosts.beat(
    {
      name: 'linux-1',
      capabilities: ['linux'],
      slots,
      slotsBusy: 0,
      version: 'test',
      pid: process.pid,
      startedAt: new Date().toISOString(),
      heartbeatAt: new Date().toISOString(),
    },
    600_000,
  );
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ns-router-'));
  redis = testRedis.redis;
  queue = createJobQueue('session', sessionQueueName('linux'), { connection: redis });
});
afterAll(async () => {
  await queue.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await redis.flushall();
  const root = mkdtempSync(path.join(dir, 'case-'));
  const config = parseConfig(
    'repos:\n  - { name: api, remote: /r/api.git, labels: [backend] }\n  - { name: web, remote: /r/web.git }\nrouting: { batchSize: 2, maxAttempts: 2, dispatchLookahead: 0 }\n',
    path.join(root, 'nightshift.yaml'),
  );
  board = new LocalBoard({ dir: config.paths.board });
  deps = {
    config,
    tracker: board,
    forge: new LocalForge({ dir: config.paths.forge }),
    redis,
    claims: new Claims(redis),
    counters: new TicketCounters(redis),
    events: new EventLog(redis),
    pauses: new PauseStore(redis),
    runs: new RunStore(redis),
    followUps: new FollowUps(redis),
    hosts: new HostRegistry(redis),
    sessionQueue: () => queue,
    logger: pino({ level: 'silent' }),
  };
  await host(1);
});

async function sessionJobs(): Promise<SessionJob[]> {
  return (await queue.getJobs(['waiting', 'prioritized'])).map((j) => j.data as SessionJob);
}

describe('routeIntake', () => {
  it('dispatches a ticket once however many routers race on it', async () => {
    const t = await board.add({ title: '[api] one' });
    const job = await intake(t.key);
    const results = await Promise.all(Array.from({ length: 10 }, () => routeIntake(Promise.resolve(job), deps)));
    expect(results.filter((r) => r.decision === 'dispatched')).toHaveLength(1);
    expect(await sessionJobs()).toEqual([
      expect.objectContaining({ tickets: [t.key], repo: 'api', model: 'sonnet', attempt: 1, branch: `agent/${t.key}` }),
    ]);
    expect((await board.getTicket(t.key))!.state).toBe('In Progress');
  });

  it('comments once on a ticket no repo matches, however often it is seen', async () => {
    const t = await board.add({ title: 'no idea where this goes' });
    for (let i = 0; i < 3; i++) expect((await routeIntake(intake(t.key), deps)).decision).toBe('skipped');
    expect((await board.getTicket(t.key))!.comments).toHaveLength(1);
  });

  it('moves a ticket whose attempt budget is spent to Needs Human instead of dispatching it', async () => {
    const t = await board.add({ title: '[api] hopeless' });
    await deps.counters.spendAttempt(t.key);
    await deps.counters.spendAttempt(t.key);
    expect(await routeIntake(intake(t.key), deps)).toMatchObject({
      decision: 'skipped',
      reason: expect.stringContaining('attempt budget'),
    });
    expect((await board.getTicket(t.key))!.state).toBe('Needs Human');
  });

  it('finishes the move to In Review when the PR already exists, starting nothing', async () => {
    const t = await board.add({ title: '[api] done before' });
    await deps.forge.findOrCreatePr({
      repo: 'api',
      head: `agent/${t.key}`,
      base: 'main',
      title: 'x',
      body: '',
      tickets: [t.key],
    });
    expect((await routeIntake(intake(t.key), deps)).reason).toContain('PR already open');
    expect((await board.getTicket(t.key))!.state).toBe('In Review');
    expect(await sessionJobs()).toEqual([]);
  });

  it('a ticket a session finished (its run carries the PR) back in the queue is a follow-up on that PR, alone on its branch; past followUp.maxRounds it goes back to In Review with one note', async () => {
    const t = await board.add({ title: '[api] reviewed' });
    const other = await board.add({ title: '[api] waiting too' });
    const { pr } = await deps.forge.findOrCreatePr({
      repo: 'api',
      head: `agent/${t.key}`,
      base: 'main',
      title: 'x',
      body: '',
      tickets: [t.key],
    });
    await deps.runs.save({
      runId: `${t.key}.1`,
      tickets: [t.key],
      repo: 'api',
      host: 'h',
      model: 'm',
      attempt: 1,
      execution: 1,
      account: 'a',
      startedAt: '2026-01-01T00:00:00.000Z',
      outcome: 'success',
      prUrl: pr.url,
    });
    const config = { ...deps.config, followUp: { ...deps.config.followUp, maxRounds: 1 } };
    expect(await routeIntake(intake(t.key), { ...deps, config })).toMatchObject({
      decision: 'dispatched',
      reason: expect.stringContaining('follow-up round 1 of 1'),
    });
    const [job] = await sessionJobs();
    expect(job).toMatchObject({
      tickets: [t.key],
      branch: `agent/${t.key}`,
      followUp: {
        trigger: 'moved-back',
        round: 1,
        of: 1,
        prNumber: pr.number,
        prUrl: pr.url,
        since: '2026-01-01T00:00:00.000Z',
      },
    });
    expect((await board.getTicket(other.key))!.state).toBe('Agent Queue');
    expect((await deps.events.read()).filter((e) => e.type === 'followup.started')).toHaveLength(1);

    // Its session ran and ended: the slot is free again.
    for (const ended of await queue.getJobs(['waiting', 'prioritized'])) await ended.remove();
    await deps.claims.release(t.key, job!.runId);
    // The other ticket leaves the queue, so the free slot has nothing else to take.
    await board.moveTo(other.key, 'Backlog');
    await board.moveTo(t.key, 'Agent Queue');
    for (let i = 0; i < 2; i++) {
      expect((await routeIntake(intake(t.key), { ...deps, config })).reason).toContain('follow-up rounds spent (1/1)');
      await board.moveTo(t.key, 'Agent Queue');
    }
    expect(await sessionJobs()).toHaveLength(0);
    expect((await board.getTicket(t.key))!.comments.filter((c) => c.body.includes('follow-up round'))).toHaveLength(1);
    expect((await deps.events.read()).filter((e) => e.type === 'followup.capped')).toHaveLength(1);
  });

  it('skips while intake is paused and escalates the model after spent attempts', async () => {
    const t = await board.add({ title: '[api] again' });
    await deps.pauses.pause({ scope: { kind: 'intake' }, until: null, reason: 'freeze', by: 'test' });
    expect((await routeIntake(intake(t.key), deps)).reason).toContain('intake paused');
    await deps.pauses.resume({ kind: 'intake' });
    await deps.counters.spendAttempt(t.key);
    const config = { ...deps.config, agent: { ...deps.config.agent, escalateAfter: 1 } };
    await routeIntake(intake(t.key), { ...deps, config });
    expect((await sessionJobs())[0]).toMatchObject({ model: 'opus', attempt: 2 });
  });

  it('batches queued tickets of the same repo up to batchSize, routed by label too', async () => {
    const a = await board.add({ title: '[api] a' });
    const b = await board.add({ title: 'b', labels: ['backend'] });
    const c = await board.add({ title: '[api] c' });
    await board.add({ title: '[web] w' });
    await routeIntake(intake(a.key), deps);
    const [job] = await sessionJobs();
    expect(job!.tickets).toEqual([a.key, b.key]);
    expect((await board.getTicket(c.key))!.state).toBe('Agent Queue');
  });
  it('keeps a ticket that gave up after maxInfraRetries infrastructure failures with a human until its text or the config changes', async () => {
    const t = await board.add({ title: '[api] broken agent' });
    const fingerprint = infraFingerprint(t, deps.config);
    for (let i = 0; i < deps.config.routing.maxInfraRetries; i++)
      await deps.counters.recordInfraError(t.key, fingerprint);
    const refused = await routeIntake(intake(t.key), deps);
    expect(refused).toMatchObject({
      decision: 'skipped',
      reason: expect.stringContaining('5 infrastructure failures in a row'),
    });
    expect((await board.getTicket(t.key))!.state).toBe('Needs Human');
    expect(await sessionJobs()).toEqual([]);

    // A human edits the ticket and puts it back: a new fingerprint, so the streak starts over.
    await board.moveTo(t.key, 'Agent Queue');
    await board.edit(t.key, { description: 'use the other binary' });
    expect((await routeIntake(intake(t.key), deps)).decision).toBe('dispatched');
    expect(await deps.counters.infraStreak(t.key)).toBeNull();
  });

  it('retries a ticket that gave up after maxInfraRetries when a human moves it back, though nothing in its text or the config changed', async () => {
    const t = await board.add({ title: '[api] agent binary was not executable' });
    for (let i = 0; i < deps.config.routing.maxInfraRetries; i++)
      await deps.counters.recordInfraError(t.key, infraFingerprint(t, deps.config));
    expect((await routeIntake(intake(t.key), deps)).decision).toBe('skipped');
    expect((await board.getTicket(t.key))!.state).toBe('Needs Human');

    // The human fixes the cause outside Nightshift's view (chmod +x) and moves the ticket back: try again.
    await board.moveTo(t.key, 'Agent Queue');
    expect((await routeIntake(intake(t.key), deps)).decision).toBe('dispatched');
    expect(await deps.counters.infraStreak(t.key)).toBeNull();
    expect((await board.getTicket(t.key))!.state).toBe('In Progress');
  });

  it('a ticket with its attempts spent, moved back by a human, returns to Needs Human saying why and how to retry', async () => {
    const t = await board.add({ title: '[api] spent every attempt' });
    for (let i = 0; i < deps.config.routing.maxAttempts; i++) await deps.counters.spendAttempt(t.key);
    await deps.events.append({ type: 'ticket.moved', ticket: t.key, detail: { to: 'Needs Human' } });
    await board.moveTo(t.key, 'Agent Queue');

    const result = await routeIntake(intake(t.key), deps);
    expect(result.decision).toBe('skipped');
    expect(result.reason).toContain(`nightshift retry ${t.key} --reset-attempts`);
    const ticket = (await board.getTicket(t.key))!;
    expect(ticket.state).toBe('Needs Human');
    expect(ticket.comments.map((c) => c.body)).toEqual([
      expect.stringMatching(/^Moved back to Agent Queue, but this ticket has spent all \d+ of its attempts/),
    ]);
    const moved = (await deps.events.read()).filter((e) => e.type === 'ticket.moved' && e.ticket === t.key).at(-1)!;
    expect(moved.detail).toEqual({
      from: 'Agent Queue',
      to: 'Needs Human',
      why: expect.stringMatching(/^attempt budget spent \(\d+\/\d+\); moving it back does not reset attempts$/),
    });
  });

  it('a redelivered intake records, once and marked late, the In Progress move whose event a dead router never wrote', async () => {
    const t = await board.add({ title: '[api] the router died after the move' });
    // Its history: Nightshift once gave up on it; a human moved it back; a router claimed it, moved it, died.
    await deps.events.append({ type: 'ticket.moved', ticket: t.key, detail: { to: 'Needs Human' } });
    await deps.claims.claim(t.key, `${t.key}.2`, 60_000);
    await board.moveTo(t.key, 'In Progress');

    for (let i = 0; i < 2; i++) expect((await routeIntake(intake(t.key), deps)).decision).toBe('skipped');

    const moves = (await deps.events.read()).filter((e) => e.type === 'ticket.moved' && e.ticket === t.key);
    expect(moves.map((e) => e.detail)).toEqual([{ to: 'Needs Human' }, { to: 'In Progress', late: true }]);
    expect(moves[1]!.run).toBe(`${t.key}.2`);
    expect(await deps.events.placedByNightshift(t.key)).toBe('In Progress');
  });

  it('a streak below maxInfraRetries does not block the ticket', async () => {
    const t = await board.add({ title: '[api] flaky' });
    await deps.counters.recordInfraError(t.key, infraFingerprint(t, deps.config));
    expect((await routeIntake(intake(t.key), deps)).decision).toBe('dispatched');
  });

  it('gives session jobs the ticket priority (none after low) and re-checks blockers at dispatch', async () => {
    await host(2);
    const urgent = await board.add({ title: '[api] urgent', priority: 1 });
    const none = await board.add({ title: '[web] whenever' });
    const blocked = await board.add({ title: '[api] after urgent', blockedBy: [urgent.key] });
    expect(await routeIntake(intake(blocked.key), deps)).toEqual({
      decision: 'skipped',
      reason: `blocked by ${urgent.key} (Agent Queue)`,
    });
    await routeIntake(intake(none.key), deps);
    await routeIntake(intake(urgent.key), deps);
    const jobs = await queue.getJobs(['prioritized']);
    expect(Object.fromEntries(jobs.map((j) => [(j.data as SessionJob).tickets[0], j.opts.priority]))).toEqual({
      [urgent.key]: 1,
      [none.key]: 1000,
    });
    expect((await board.getTicket(blocked.key))!.state).toBe('Agent Queue');
  });
});
