import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ForgeCorruptError, ForgeLockError, PullRequestNotFoundError } from './errors';
import type { PullRequestDraft } from './forge';
import { LocalForge } from './local-forge';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-forge-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const forgeDir = () => path.join(dir, 'forge');
const forge = (extra: Partial<ConstructorParameters<typeof LocalForge>[0]> = {}) =>
  new LocalForge({ dir: forgeDir(), ...extra });
const draft = (head: string, repo = 'web'): PullRequestDraft => ({
  repo,
  head,
  base: 'main',
  title: `work on ${head}`,
  body: 'body',
  tickets: [head.replace('agent/', '')],
});

describe('LocalForge', () => {
  it('creates a PR record and finds it again, from a fresh instance too', async () => {
    const { pr, created } = await forge().findOrCreatePr(draft('agent/NS-1'));
    expect(created).toBe(true);
    expect(pr).toMatchObject({
      number: 1,
      url: 'local://web/pull/1',
      repo: 'web',
      head: 'agent/NS-1',
      base: 'main',
      state: 'open',
      tickets: ['NS-1'],
    });
    expect(await forge().findOpenPr('web', 'agent/NS-1')).toEqual(pr);
    expect(await forge().findOpenPr('web', 'agent/NS-2')).toBeNull();
    expect(await forge().findOpenPr('api', 'agent/NS-1')).toBeNull();
    expect(await forge().listPrs()).toEqual([pr]);
    expect(await forge().findOrCreatePr(draft('agent/NS-1'))).toEqual({ pr, created: false });
  });

  it("updates an open PR's title and body (a later push), adding any new ticket; an unknown PR is an error", async () => {
    const { pr } = await forge().findOrCreatePr(draft('agent/NS-1'));
    await forge().updatePr('web', pr.number, { title: 'NS-1: again', body: 'second body', tickets: ['NS-1', 'NS-2'] });
    expect(await forge().findOpenPr('web', 'agent/NS-1')).toMatchObject({
      number: pr.number,
      title: 'NS-1: again',
      body: 'second body',
      tickets: ['NS-1', 'NS-2'],
    });
    await expect(forge().updatePr('web', 42, { title: 't', body: 'b', tickets: [] })).rejects.toBeInstanceOf(
      PullRequestNotFoundError,
    );
  });

  it('opens a draft with labels, adds labels an existing PR lacks, and refuses a record with a malformed draft flag', async () => {
    const { pr } = await forge().findOrCreatePr({ ...draft('agent/NS-5'), draft: true, labels: ['checks-failing'] });
    expect(pr).toMatchObject({ draft: true, labels: ['checks-failing'] });
    const plain = (await forge().findOrCreatePr(draft('agent/NS-6'))).pr;
    expect(plain.draft).toBeUndefined();
    const again = await forge().findOrCreatePr({ ...draft('agent/NS-6'), labels: ['checks-failing'] });
    expect(again).toMatchObject({ created: false, pr: { number: plain.number, labels: ['checks-failing'] } });
    expect((await forge().findOpenPr('web', 'agent/NS-6'))!.labels).toEqual(['checks-failing']);
    const file = path.join(forgeDir(), 'pull-requests.json');
    const records = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<Record<string, unknown>>;
    records[0]!['draft'] = 'yes';
    fs.writeFileSync(file, JSON.stringify(records));
    await expect(forge().listPrs()).rejects.toThrow(/entry 0: "draft" must be true or false/);
  });

  it('records the reviewers and assignees a PR was opened with, adding assignees (not review requests) later', async () => {
    const opened = await forge().findOrCreatePr({
      ...draft('agent/NS-9'),
      labels: ['nightshift'],
      reviewers: ['alice'],
      teamReviewers: ['platform'],
      assignees: ['bob'],
    });
    expect(opened.pr).toMatchObject({ reviewers: ['alice'], teamReviewers: ['platform'], assignees: ['bob'] });
    await forge().findOrCreatePr({ ...draft('agent/NS-9'), reviewers: ['dave'], assignees: ['bob', 'carol'] });
    expect(await forge().findOpenPr('web', 'agent/NS-9')).toMatchObject({
      labels: ['nightshift'],
      reviewers: ['alice'],
      assignees: ['bob', 'carol'],
    });
  });

  it('gives 10 racing findOrCreatePr calls on one head from two instances one PR, created once', async () => {
    const a = forge();
    const b = forge();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).findOrCreatePr(draft('agent/NS-7'))),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.pr.number))).toEqual(new Set([1]));
    expect(await forge().listPrs()).toHaveLength(1);
  });

  it('numbers PRs per repo, a new number for each head', async () => {
    const a = forge();
    const b = forge();
    const heads = Array.from({ length: 6 }, (_, i) => `agent/NS-${i + 1}`);
    const web = await Promise.all(heads.map((h, i) => (i % 2 ? a : b).findOrCreatePr(draft(h))));
    expect(web.map((r) => r.pr.number).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
    const api = await a.findOrCreatePr(draft('agent/NS-1', 'api'));
    expect(api).toMatchObject({ created: true, pr: { number: 1, url: 'local://api/pull/1' } });
  });

  it('does not count a closed PR as open, so a new one may be created, with a new number', async () => {
    const f = forge();
    const first = await f.findOrCreatePr(draft('agent/NS-1'));
    await f.closePr('web', first.pr.number);
    expect(await f.findOpenPr('web', 'agent/NS-1')).toBeNull();
    const second = await forge().findOrCreatePr(draft('agent/NS-1'));
    expect(second).toMatchObject({ created: true, pr: { number: 2, state: 'open' } });
    expect((await f.listPrs()).map((p) => [p.number, p.state])).toEqual([
      [1, 'closed'],
      [2, 'open'],
    ]);
    await expect(f.closePr('web', 9)).rejects.toThrow(PullRequestNotFoundError);
  });

  it('raises ForgeCorruptError naming a corrupt records file, and leaves it alone', async () => {
    const f = forge();
    await f.findOrCreatePr(draft('agent/NS-1'));
    const file = path.join(forgeDir(), 'pull-requests.json');
    fs.writeFileSync(file, '[{"number": 1,');
    for (const op of [
      () => f.listPrs(),
      () => f.findOpenPr('web', 'agent/NS-1'),
      () => f.findOrCreatePr(draft('agent/NS-1')),
    ]) {
      const err = await op().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ForgeCorruptError);
      expect((err as Error).message).toContain(file);
      expect((err as Error).message).toMatch(/restore|fix/);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('[{"number": 1,');
  });

  it('raises ForgeCorruptError for a record that lost its head', async () => {
    const f = forge();
    const { pr } = await f.findOrCreatePr(draft('agent/NS-1'));
    const file = path.join(forgeDir(), 'pull-requests.json');
    fs.writeFileSync(file, JSON.stringify([{ ...pr, head: undefined }]));
    await expect(f.findOrCreatePr(draft('agent/NS-1'))).rejects.toThrow(/entry 0: "head"/);
  });

  it('gives up on a live lock with ForgeLockError naming it, and takes over a stale one', async () => {
    const lockDir = path.join(forgeDir(), 'pull-requests.json.lock');
    fs.mkdirSync(lockDir, { recursive: true });
    const err = await forge({ lock: { staleMs: 2000, maxWaitMs: 200 } })
      .findOrCreatePr(draft('agent/NS-1'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForgeLockError);
    expect((err as ForgeLockError).failure).toBe('timeout');
    expect((err as Error).message).toContain(lockDir);

    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lockDir, old, old);
    const { created } = await forge({ lock: { staleMs: 2000, maxWaitMs: 5000 } }).findOrCreatePr(draft('agent/NS-1'));
    expect(created).toBe(true);
  });
});

describe('LocalForge review feedback', () => {
  it("returns reviewers' notes and checks whose latest run failed after `since`, per queried head; not Nightshift's own notes, not closed PRs", async () => {
    const f = forge();
    const { pr } = await f.findOrCreatePr(draft('agent/NS-1'));
    await f.findOrCreatePr(draft('agent/NS-2'));
    const before = new Date(Date.now() - 1000).toISOString();
    await f.addReview('web', pr.number, {
      author: 'rita',
      body: 'Rename it.',
      kind: 'review_comment',
      path: 'a.ts',
      line: 3,
    });
    await f.addReview('web', pr.number, { author: 'nightshift', body: '<!-- nightshift:note --> cap reached' });
    await f.addCheckRun('web', pr.number, { name: 'lint', conclusion: 'failure', log: 'lint: 1 problem' });
    await f.addCheckRun('web', pr.number, { name: 'lint', conclusion: 'success', log: 'ok' });
    await f.addCheckRun('web', pr.number, { name: 'unit', conclusion: 'failure', log: 'FAIL a.spec' });

    const found = await forge().readFeedback('web', [
      { head: 'agent/NS-1', since: before },
      { head: 'agent/NS-2', since: before },
      { head: 'agent/NS-9', since: before },
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ number: pr.number, head: 'agent/NS-1', url: pr.url });
    expect(found[0]!.notes.map((n) => [n.author, n.body, n.path, n.line])).toEqual([['rita', 'Rename it.', 'a.ts', 3]]);
    expect(found[0]!.failedChecks.map((c) => [c.name, c.log])).toEqual([['unit', 'FAIL a.spec']]);

    expect(
      await f.readFeedback('web', [{ head: 'agent/NS-1', since: new Date(Date.now() + 1000).toISOString() }]),
    ).toEqual([]);
    await f.closePr('web', pr.number);
    expect(await f.readFeedback('web', [{ head: 'agent/NS-1', since: before }])).toEqual([]);
    await expect(f.addReview('web', 99, { author: 'x', body: 'y' })).rejects.toBeInstanceOf(PullRequestNotFoundError);
  });

  it('refuses a hand-edited record whose reviews are not a list of notes', async () => {
    fs.mkdirSync(forgeDir(), { recursive: true });
    fs.writeFileSync(
      path.join(forgeDir(), 'pull-requests.json'),
      JSON.stringify([
        {
          number: 1,
          url: 'u',
          repo: 'web',
          head: 'agent/X',
          base: 'main',
          title: 't',
          body: 'b',
          tickets: [],
          state: 'open',
          createdAt: '2026-01-01',
          reviews: [{ text: 'no body' }],
        },
      ]),
    );
    await expect(forge().listPrs()).rejects.toThrow(/"reviews" must be an array of objects with "body" and "at"/);
  });
});
