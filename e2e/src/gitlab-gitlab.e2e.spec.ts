import { Pipeline, waitFor } from './harness';
import { E2E_SECRETS, RemoteFakes, secretForms } from './remote-fakes';

/**
 * `tracker: gitlab` + `forge: gitlab`, the real @gitbeaker/rest against the strict fake GitLab: each
 * issue becomes one merge request (the fake refuses one whose source branch was not pushed to the
 * pipeline's bare remote, and a second open one per source branch) and moves nightshift::queue →
 * in-progress → in-review; a blocked issue waits.
 */
describe('a GitLab issue becomes exactly one GitLab merge request', () => {
  const fakes = new RemoteFakes(['alpha']);
  let pipeline: Pipeline;
  beforeAll(async () => {
    await fakes.start();
    pipeline = await Pipeline.start({ repos: fakes.repos, config: fakes.gitlabForgeConfig(), env: { ...E2E_SECRETS } });
    fakes.useRemotes(pipeline.dir);
  });
  afterAll(async () => {
    await pipeline?.stop();
    await fakes.stop();
  });

  it('opens one MR per queued issue, swaps the scoped state labels, and holds a blocked issue', async () => {
    const queue = ['nightshift::queue'];
    const iids = [1, 2].map(
      (n) => fakes.gitlab.createIssue({ project: 'acme/alpha', title: `[alpha] task ${n}`, labels: queue }).iid,
    );
    const blocker = fakes.gitlab.createIssue({ project: 'acme/alpha', title: 'a human first' }).iid;
    const blocked = fakes.gitlab.createIssue({
      project: 'acme/alpha',
      title: '[alpha] after the human',
      description: `Blocked by #${blocker}`,
      labels: queue,
    }).iid;
    pipeline.startAll();

    const inReview = (iid: number) => fakes.gitlab.issue('acme/alpha', iid).labels.includes('nightshift::in-review');
    await waitFor(
      'both issues in review with a note',
      async () => iids.every((i) => inReview(i) && fakes.gitlab.issue('acme/alpha', i).notes.length > 0),
      90_000,
      200,
    );
    for (const iid of iids) {
      const labels = fakes.gitlab.issue('acme/alpha', iid).labels;
      expect(labels.filter((l) => l.startsWith('nightshift::'))).toEqual(['nightshift::in-review']);
      const mrs = fakes.gitlab.mrs.filter((m) => m.sourceBranch === `agent/AL-${iid}`);
      expect(mrs).toHaveLength(1);
      expect(mrs[0]!.labels).toContain('nightshift');
      expect(mrs[0]!.description).toMatch(new RegExp(`<!-- nightshift:tickets AL-${iid} -->$`));
      const url = `${fakes.gitlab.url}/acme/alpha/-/merge_requests/${mrs[0]!.iid}`;
      expect(fakes.gitlab.issue('acme/alpha', iid).notes.filter((n) => n.body.includes(url))).toHaveLength(1);
    }
    expect(fakes.gitlab.mrs).toHaveLength(2);
    expect(fakes.gitlab.mrs.some((m) => m.sourceBranch === `agent/AL-${blocked}`)).toBe(false);

    fakes.gitlab.close('acme/alpha', blocker);
    await waitFor('the unblocked issue in review', async () => inReview(blocked), 60_000, 200);
    expect(fakes.gitlab.mrs).toHaveLength(3);
    expect(fakes.gitlab.requests.filter((r) => r.status >= 400 && r.status !== 404)).toEqual([]);

    const everything = [pipeline.allOutput(), JSON.stringify(await pipeline.events.read())].join('\n');
    for (const secret of secretForms()) expect(everything.includes(secret)).toBe(false);
  });
});
