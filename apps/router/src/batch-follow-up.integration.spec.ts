import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { parseConfig } from '@nightshift/config';
import { type IntakeJob, type SessionJob, sessionQueueName, ticketSnapshot } from '@nightshift/contracts';
import { LocalForge, type PullRequest } from '@nightshift/forge';
import { createJobQueue, type JobQueue } from '@nightshift/service-shell';
import { Claims, EventLog, FollowUps, HostRegistry, PauseStore, RunStore, TicketCounters } from '@nightshift/state';
import { useTestRedis } from '@nightshift/testing-fakes';
import { LocalBoard } from '@nightshift/tracker';
import type { Redis } from 'ioredis';
import pino from 'pino';

import { Dispatcher } from './dispatch-round';
import { claimPrBatch } from './follow-up-dispatch';
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

/** One router's decision on a ticket, as its intake worker would make it (a dispatch round of its own). */
async function routeIntake(job: Promise<IntakeJob>, routerDeps: RouterDeps) {
  return route(await job, routerDeps, new Dispatcher(routerDeps));
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ns-router-batch-'));
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
    'repos:\n  - { name: api, remote: /r/api.git }\nrouting: { batchSize: 2 }\n',
    path.join(root, 'nightshift.yaml'),
  );
  board = new LocalBoard({ dir: config.paths.board });
  deps = {
    config,
    tracker: board,
    forge: new LocalForge({ dir: config.paths.forge }),
    claims: new Claims(redis),
    counters: new TicketCounters(redis),
    events: new EventLog(redis),
    pauses: new PauseStore(redis),
    runs: new RunStore(redis),
    followUps: new FollowUps(redis),
    sessionQueue: () => queue,
    logger: pino({ level: 'silent' }),
    redis,
    hosts: new HostRegistry(redis),
  };
  // A live host with room for every session these cases start (dispatch fills only free slots).
  const now = new Date().toISOString();
  await deps.hosts.beat(
    {
      name: 'linux-1',
      capabilities: ['linux'],
      slots: 4,
      slotsBusy: 0,
      version: 'test',
      pid: process.pid,
      startedAt: now,
      heartbeatAt: now,
    },
    600_000,
  );
});

async function sessionJobs(): Promise<SessionJob[]> {
  return (await queue.getJobs(['waiting', 'prioritized'])).map((j) => j.data as SessionJob);
}

/** Two tickets a session finished as one batch: one PR on the lead's branch naming both, both In Review. */
async function batchInReview(prRecorded = true): Promise<{ lead: string; member: string; pr: PullRequest }> {
  const lead = (await board.add({ title: '[api] lead', state: 'In Review' })).key;
  const member = (await board.add({ title: '[api] member', state: 'In Review' })).key;
  const { pr } = await deps.forge.findOrCreatePr({
    repo: 'api',
    head: `agent/${lead}`,
    base: 'main',
    title: 'x',
    body: '',
    tickets: [lead, member],
  });
  await deps.runs.save({
    runId: `${lead}.1`,
    tickets: [lead, member],
    repo: 'api',
    branch: `agent/${lead}`,
    host: 'h',
    model: 'm',
    attempt: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    ...(prRecorded ? { outcome: 'success' as const, prUrl: pr.url } : {}),
  });
  return { lead, member, pr };
}

describe('routeIntake of a batch member (the batch shares one PR, on its lead branch)', () => {
  it('a member a human moves back is a follow-up on the batch PR with every ticket of it still In Review; no other ticket joins, no second PR', async () => {
    const { lead, member, pr } = await batchInReview();
    const other = (await board.add({ title: '[api] unrelated' })).key;
    await board.moveTo(member, 'Agent Queue');

    expect(await routeIntake(intake(member), deps)).toMatchObject({
      decision: 'dispatched',
      reason: expect.stringContaining(`on ${pr.url} for 2 tickets`),
    });
    // The round fills every free slot: the unrelated ticket may go out too, but in a session of its own.
    const jobs = await sessionJobs();
    const job = jobs.find((j) => j.followUp);
    expect(jobs.filter((j) => j !== job).map((j) => j.tickets)).toEqual(jobs.length > 1 ? [[other]] : []);
    expect(job).toMatchObject({
      tickets: [lead, member],
      branch: `agent/${lead}`,
      followUp: { trigger: 'moved-back', round: 1, prUrl: pr.url, since: '2026-01-01T00:00:00.000Z' },
    });
    for (const key of [lead, member]) {
      expect((await board.getTicket(key))!.state).toBe('In Progress');
      expect(await deps.claims.holder(key)).toBe(job!.runId);
      expect(await deps.followUps.rounds(key)).toBe(1);
    }
    expect((await deps.forge.listPrs()).map((p) => p.number)).toEqual([pr.number]);
  });

  it('a member back in the queue never joins another ticket batch (its work has a PR already)', async () => {
    const { lead, member } = await batchInReview();
    await board.moveTo(member, 'Agent Queue');
    const fresh = (await board.add({ title: '[api] fresh' })).key;

    expect(await routeIntake(intake(fresh), deps)).toMatchObject({ decision: 'dispatched' });
    // The round may also take the member, but only as a follow-up on its batch's PR, never beside the fresh ticket.
    const jobs = await sessionJobs();
    expect(jobs.find((j) => j.tickets.includes(fresh))).toMatchObject({ tickets: [fresh], branch: `agent/${fresh}` });
    for (const job of jobs.filter((j) => j.tickets.includes(member)))
      expect(job).toMatchObject({ tickets: [lead, member], branch: `agent/${lead}` });
  });

  it('a member whose batch run died after opening the PR (the run never recorded it) finishes its move to In Review: no session, no second PR', async () => {
    const { member, pr } = await batchInReview(false);
    await board.moveTo(member, 'Agent Queue');

    expect((await routeIntake(intake(member), deps)).reason).toBe(`PR already open: ${pr.url}`);
    expect((await board.getTicket(member))!.state).toBe('In Review');
    expect(await sessionJobs()).toEqual([]);
    expect((await deps.forge.listPrs()).map((p) => p.number)).toEqual([pr.number]);
  });

  it('while a session holds a ticket of the PR, a member sent back waits: one session per PR branch', async () => {
    const { lead, member } = await batchInReview();
    await deps.claims.claim(lead, 'elsewhere.1', 60_000);
    await board.moveTo(member, 'Agent Queue');

    expect(await routeIntake(intake(member), deps)).toMatchObject({
      decision: 'skipped',
      reason: expect.stringContaining(`being worked on by run elsewhere.1 (${lead})`),
    });
    expect(await sessionJobs()).toEqual([]);
    expect((await board.getTicket(member))!.state).toBe('Agent Queue');
  });

  it('two routers following up one PR for two of its tickets: one takes every ticket, the other lets go of what it took', async () => {
    const { lead, member, pr } = await batchInReview();
    for (const key of [lead, member]) await board.moveTo(key, 'Agent Queue');
    const [a, b] = [(await board.getTicket(lead))!, (await board.getTicket(member))!];

    const won = await Promise.all([claimPrBatch(deps, a, pr, `${lead}.2`), claimPrBatch(deps, b, pr, `${member}.2`)]);
    const winner = won.filter((m) => m !== null);
    expect(winner.map((m) => m!.map((t) => t.key))).toEqual([[lead, member]]);
    const run = won[0] ? `${lead}.2` : `${member}.2`;
    for (const key of [lead, member]) expect(await deps.claims.holder(key)).toBe(run);
  });
});
