import { readdirSync } from 'node:fs';
import path from 'node:path';

import { Pipeline, scrapeMetric, waitFor } from './harness';
import { E2E_SECRETS, RemoteFakes, secretForms } from './remote-fakes';

/**
 * The backbone scenario (20 tickets over 3 repos, one naming no repo) with the production adapters:
 * `tracker: linear` and `forge: github`, the real @linear/sdk and Octokit talking to local fakes.
 * 19 PRs, every ticket In Review with its PR linked once, the unknown one commented on once, and
 * no token anywhere in what the services wrote.
 */
describe('a Linear ticket becomes exactly one GitHub PR', () => {
  const fakes = new RemoteFakes(['alpha', 'beta', 'gamma']);
  let pipeline: Pipeline;
  beforeAll(async () => {
    await fakes.start();
    pipeline = await Pipeline.start({ repos: fakes.repos, config: fakes.config(), env: { ...E2E_SECRETS } });
    fakes.useRemotes(pipeline.dir);
  });
  afterAll(async () => {
    await pipeline?.stop();
    await fakes.stop();
  });

  it('turns 19 routable Linear issues into 19 GitHub PRs and skips the unknown one once', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 19; i++) {
      const repo = ['alpha', 'beta', 'gamma'][i % 3]!;
      const how =
        i % 3 === 0
          ? { title: `[${repo}] task ${i}` }
          : i % 3 === 1
            ? { title: `task ${i}`, labels: [`${repo}-label`] }
            : { title: `task ${i} about ${repo}kw` };
      keys.push(
        fakes.linear.createIssue({ team: 'ENG', description: `Do thing ${i}.`, state: 'Agent Queue', ...how }).key,
      );
    }
    const unknown = fakes.linear.createIssue({
      team: 'ENG',
      title: '[nowhere] a repo nobody configured',
      state: 'Agent Queue',
    }).key;
    const [, , , scanner] = pipeline.startAll();
    const scannerUrl = await scanner!.url;

    await waitFor(
      '19 open PRs',
      async () => fakes.github.pulls().filter((p) => p.state === 'open').length >= 19,
      90_000,
      200,
    );
    // The runner moves a ticket, then comments: wait for both, then check there is exactly one link.
    await waitFor(
      'every ticket In Review with its PR linked',
      async () =>
        keys.every((k) => fakes.linear.issue(k).state === 'In Review' && fakes.linear.issue(k).comments.length > 0),
      30_000,
      200,
    );

    const prs = fakes.github.pulls();
    expect(prs).toHaveLength(19);
    expect(new Set(prs.map((p) => p.head)).size).toBe(19);
    for (const key of keys) {
      const pr = prs.find((p) => p.head === `agent/${key}`);
      expect(pr).toBeDefined();
      expect(pr).toMatchObject({ draft: true, labels: ['nightshift'], base: 'main' });
      // The PR links its ticket, and the ticket links its PR exactly once.
      expect(pr!.body).toContain(`https://linear.app/fake/issue/${key}`);
      expect(fakes.linear.issue(key).comments.filter((c) => c.includes(pr!.url))).toHaveLength(1);
    }

    // Several more scans see the unknown ticket again; it is still commented on once.
    const scansNow = await scrapeMetric(scannerUrl, 'nightshift_scans_total', { result: 'ok' });
    await waitFor(
      'three more scans',
      async () => (await scrapeMetric(scannerUrl, 'nightshift_scans_total', { result: 'ok' })) >= scansNow + 3,
      20_000,
    );
    const skipped = fakes.linear.issue(unknown);
    expect(skipped.state).toBe('Agent Queue');
    expect(skipped.comments).toHaveLength(1);
    expect(skipped.comments[0]).toMatch(/\[nowhere\].*names no configured repo/);

    // A poll of 20 candidates lists their keys in one request to Linear: count the listing requests.
    const before = fakes.linear.requests.length;
    const scansBefore = await scrapeMetric(scannerUrl, 'nightshift_scans_total', { result: 'ok' });
    await waitFor(
      'two more scans',
      async () => (await scrapeMetric(scannerUrl, 'nightshift_scans_total', { result: 'ok' })) >= scansBefore + 2,
      20_000,
    );
    const scans = (await scrapeMetric(scannerUrl, 'nightshift_scans_total', { result: 'ok' })) - scansBefore;
    const listing = fakes.linear.requests.slice(before).filter((r) => r.detail === 'NightshiftCandidateKeys').length;
    expect(listing).toBeGreaterThanOrEqual(scans);
    // Each poll lists once (the router lists too when it batches).
    expect(listing).toBeLessThanOrEqual(scans * 2 + 2);

    // Every request the services sent was within Linear's limits: scored under the 10,000-point cap, never refused.
    expect(fakes.linear.scored.length).toBeGreaterThan(19);
    expect(fakes.linear.scored.filter((s) => s.status !== 200)).toEqual([]);
    expect(Math.max(...fakes.linear.scored.map((s) => s.complexity))).toBeLessThanOrEqual(8_000);

    const launches = pipeline.agentLaunches();
    expect(launches).toHaveLength(19);
    for (const launch of launches) expect(launch.argv[launch.argv.indexOf('--model') + 1]).toBe('cheap-model');

    const runs = await pipeline.runs.list();
    expect(runs.filter((r) => r.outcome === 'success')).toHaveLength(19);
    await waitFor(
      'worktrees removed',
      async () => {
        const dir = path.join(pipeline.worktreeRoot, 'worktrees');
        return readdirSafe(dir).flatMap((repo) => readdirSafe(path.join(dir, repo))).length === 0;
      },
      10_000,
    );

    // No token in any log line, event, comment or PR.
    const everything = [
      pipeline.allOutput(),
      JSON.stringify(await pipeline.events.read()),
      JSON.stringify(await pipeline.runs.list()),
      JSON.stringify(fakes.linear.issues()),
      JSON.stringify(fakes.github.pulls()),
    ].join('\n');
    expect(everything.length).toBeGreaterThan(10_000);
    for (const secret of secretForms()) expect(everything.includes(secret)).toBe(false);
  });
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
