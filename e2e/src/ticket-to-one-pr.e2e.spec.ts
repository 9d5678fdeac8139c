import { readdirSync } from 'node:fs';
import path from 'node:path';

import type { EventType } from '@nightshift/contracts';

import { Pipeline, scrapeMetric, waitFor } from './harness';

/**
 * The backbone's promise, end to end on real Redis, git and processes: 20 tickets over 3 repos (one
 * for a repo that does not exist) become 19 PRs, each ticket In Review with its PR linked, and the
 * unknown one is skipped with exactly one comment saying why.
 */
describe('a ticket becomes exactly one PR', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await Pipeline.start({ repos: ['alpha', 'beta', 'gamma'] });
  });
  afterAll(() => pipeline?.stop());

  it('turns 19 routable tickets into 19 PRs and skips the unknown one once', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 19; i++) {
      const repo = ['alpha', 'beta', 'gamma'][i % 3]!;
      const how =
        i % 3 === 0
          ? { title: `[${repo}] task ${i}` }
          : i % 3 === 1
            ? { title: `task ${i}`, labels: [`${repo}-label`] }
            : { title: `task ${i} about ${repo}kw` };
      keys.push((await pipeline.board.add({ description: `Do thing ${i}.`, ...how })).key);
    }
    const unknown = (await pipeline.board.add({ title: '[nowhere] a repo nobody configured', description: '' })).key;
    const [, , , scanner] = pipeline.startAll();
    const scannerUrl = await scanner!.url;

    await waitFor(
      '19 open PRs',
      async () => (await pipeline.forge.listPrs()).filter((p) => p.state === 'open').length >= 19,
      90_000,
    );
    await waitFor(
      'every ticket In Review',
      async () => {
        const tickets = await pipeline.board.list();
        return keys.every((k) => tickets.find((t) => t.key === k)?.state === 'In Review');
      },
      30_000,
    );

    const prs = await pipeline.forge.listPrs();
    expect(prs).toHaveLength(19);
    expect(new Set(prs.map((p) => p.head)).size).toBe(19);
    for (const key of keys) {
      const ticket = (await pipeline.board.getTicket(key))!;
      const pr = prs.find((p) => p.tickets.includes(key));
      expect(pr).toBeDefined();
      expect(pr!.head).toBe(`agent/${key}`);
      expect(ticket.comments.filter((c) => c.body.includes(pr!.url))).toHaveLength(1);
    }

    // Several more scans see the unknown ticket again; it is still commented on once.
    const scansNow = await scrapeMetric(scannerUrl, 'nightshift_scans_total');
    await waitFor(
      'three more scans',
      async () => (await scrapeMetric(scannerUrl, 'nightshift_scans_total')) >= scansNow + 3,
      20_000,
    );
    const skipped = (await pipeline.board.getTicket(unknown))!;
    expect(skipped.state).toBe('Agent Queue');
    expect(skipped.comments).toHaveLength(1);
    expect(skipped.comments[0]!.body).toMatch(/\[nowhere\].*names no configured repo/);

    // Every launch named its model explicitly, and it was the cheap default.
    const launches = pipeline.agentLaunches();
    expect(launches).toHaveLength(19);
    for (const launch of launches) {
      expect(launch.argv[launch.argv.indexOf('--model') + 1]).toBe('cheap-model');
    }

    // The event stream tells each ticket's story in order.
    const events = await pipeline.events.read();
    const story = events
      .filter((e) => e.ticket === keys[0] || (e.run?.startsWith(`${keys[0]}.`) ?? false))
      .map((e) => e.type);
    const expected: EventType[] = [
      'ticket.scanned',
      'ticket.claimed',
      'ticket.routed',
      'ticket.moved',
      'worktree.ready',
      'session.started',
      'session.outcome',
      'pr.opened',
      'ticket.moved',
      'worktree.removed',
      'claim.released',
    ];
    let at = -1;
    for (const type of expected) {
      at = story.indexOf(type, at + 1);
      expect({ type, found: at >= 0 }).toEqual({ type, found: true });
    }
    expect(events.filter((e) => e.type === 'ticket.skipped' && e.ticket === unknown)).toHaveLength(1);

    const runs = await pipeline.runs.list();
    expect(runs.filter((r) => r.outcome === 'success')).toHaveLength(19);
    expect(runs.every((r) => r.costUsd !== undefined && r.costUsd > 0 && (r.usage?.output ?? 0) > 0)).toBe(true);

    // Nothing left behind in the worktree root.
    await waitFor(
      'worktrees removed',
      async () => {
        const dir = path.join(pipeline.worktreeRoot, 'worktrees');
        const left = readdirSafe(dir).flatMap((repo) => readdirSafe(path.join(dir, repo)));
        return left.length === 0;
      },
      10_000,
    );
  });
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
