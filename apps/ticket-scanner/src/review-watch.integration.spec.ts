import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { parseConfig } from '@nightshift/config';
import { LocalForge } from '@nightshift/forge';
import { EventLog, FollowUps, RunStore, TicketCounters } from '@nightshift/state';
import { useTestRedis } from '@nightshift/testing-fakes';
import { LocalBoard } from '@nightshift/tracker';
import pino from 'pino';

import { type ReviewWatchDeps, watchReviews } from './review-watch';

const test = useTestRedis();

describe('watchReviews (the follow-up policy applied each scan)', () => {
  let dir: string;
  let deps: ReviewWatchDeps;
  let board: LocalBoard;
  let forge: LocalForge;
  beforeEach(async () => {
    await test.redis.flushall();
    dir = mkdtempSync(path.join(os.tmpdir(), 'ns-review-watch-'));
    const config = parseConfig(
      'repos:\n  - { name: api, remote: /r/api.git }\nfollowUp: { maxRounds: 1, debounceSec: 60 }\n',
      path.join(dir, 'nightshift.yaml'),
    );
    board = new LocalBoard({ dir: config.paths.board });
    forge = new LocalForge({ dir: config.paths.forge });
    deps = {
      config,
      tracker: board,
      forge,
      runs: new RunStore(test.redis),
      followUps: new FollowUps(test.redis),
      counters: new TicketCounters(test.redis),
      events: new EventLog(test.redis),
      logger: pino({ level: 'silent' }),
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function reviewed(title: string): Promise<{ key: string; number: number; url: string }> {
    const t = await board.add({ title, state: 'In Review' });
    const { pr } = await forge.findOrCreatePr({
      repo: 'api',
      head: `agent/${t.key}`,
      base: 'main',
      title,
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
      startedAt: new Date(Date.now() - 3_600_000).toISOString(),
      outcome: 'success',
      prUrl: pr.url,
    });
    return { key: t.key, number: pr.number, url: pr.url };
  }

  it('waits out the debounce, then sends the ticket back to the queue marked pending; leaves alone a ticket no longer In Review and one with nothing new', async () => {
    const a = await reviewed('a');
    const moved = await reviewed('moved by a human');
    await reviewed('quiet');
    await forge.addReview('api', a.number, { author: 'rita', body: 'rename it' });
    await forge.addCheckRun('api', moved.number, { name: 'unit', conclusion: 'failure', log: 'FAIL' });
    await board.moveTo(moved.key, 'Done');

    expect(await watchReviews(deps)).toEqual([]);
    expect((await board.getTicket(a.key))!.state).toBe('In Review');
    const later = new Date(Date.now() + 61_000);
    expect(await watchReviews(deps, later)).toEqual([a.key]);
    expect((await board.getTicket(a.key))!.state).toBe('Agent Queue');
    expect(await deps.followUps.pending(a.key)).toEqual({
      trigger: 'feedback',
      summary: `1 review note(s), 0 failed check(s) on ${a.url}`,
    });
    expect((await board.getTicket(moved.key))!.state).toBe('Done');
  });

  it('past maxRounds: one note on the ticket and one followup.capped event, however many scans see the feedback', async () => {
    const a = await reviewed('a');
    await deps.followUps.startRound(a.key);
    await forge.addReview('api', a.number, { author: 'rita', body: 'one more thing' });
    const later = new Date(Date.now() + 61_000);
    for (let i = 0; i < 3; i++) expect(await watchReviews(deps, later)).toEqual([]);
    const ticket = (await board.getTicket(a.key))!;
    expect(ticket.state).toBe('In Review');
    expect(ticket.comments.map((c) => c.body)).toEqual([
      expect.stringContaining(`Nightshift did not start another follow-up on ${a.url}: its 1 follow-up round is spent`),
    ]);
    expect((await deps.events.read()).filter((e) => e.type === 'followup.capped')).toHaveLength(1);
  });

  /** Two tickets one session finished as a batch: one PR on the lead's branch, naming both. */
  async function batch(): Promise<{ lead: string; member: string; number: number; url: string }> {
    const lead = (await board.add({ title: 'lead', state: 'In Review' })).key;
    const member = (await board.add({ title: 'member', state: 'In Review' })).key;
    const { pr } = await forge.findOrCreatePr({
      repo: 'api',
      head: `agent/${lead}`,
      base: 'main',
      title: 'both',
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
      startedAt: new Date(Date.now() - 3_600_000).toISOString(),
      outcome: 'success',
      prUrl: pr.url,
    });
    return { lead, member, number: pr.number, url: pr.url };
  }

  it("a batch PR: its feedback is every ticket's; one In Review ticket goes back for all (the lead, or a member when a human took the lead), none while one is In Progress", async () => {
    const later = new Date(Date.now() + 61_000);
    const a = await batch();
    await forge.addReview('api', a.number, { author: 'rita', body: 'rename it' });
    expect(await watchReviews(deps, later)).toEqual([a.lead]);
    // Its follow-up is on its way (the lead is queued): a later scan sends no other ticket back for it.
    expect(await watchReviews(deps, later)).toEqual([]);
    expect((await board.getTicket(a.member))!.state).toBe('In Review');

    const b = await batch();
    await board.moveTo(b.lead, 'Done');
    await forge.addCheckRun('api', b.number, { name: 'unit', conclusion: 'failure', log: 'FAIL' });
    const c = await batch();
    await board.moveTo(c.member, 'In Progress');
    await forge.addReview('api', c.number, { author: 'rita', body: 'and this' });
    expect(await watchReviews(deps, later)).toEqual([b.member]);
    expect(await deps.followUps.pending(b.member)).toMatchObject({ trigger: 'feedback' });
    expect((await board.getTicket(c.lead))!.state).toBe('In Review');
  });

  it('a batch PR past maxRounds: one note on each of its tickets', async () => {
    const a = await batch();
    await deps.followUps.startRound(a.member);
    await forge.addReview('api', a.number, { author: 'rita', body: 'one more thing' });
    const later = new Date(Date.now() + 61_000);
    for (let i = 0; i < 2; i++) expect(await watchReviews(deps, later)).toEqual([]);
    for (const key of [a.lead, a.member])
      expect((await board.getTicket(key))!.comments.map((c) => c.body)).toEqual([
        expect.stringContaining(`Nightshift did not start another follow-up on ${a.url}`),
      ]);
  });
});
