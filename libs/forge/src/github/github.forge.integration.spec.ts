import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createGitHubClient } from '@nightshift/github-client';
import { FakeGitHub, GitHttpServer } from '@nightshift/testing-fakes';

import { ForgeRemoteError, GitHubForge, type GitHubForgeOptions, PushFailedError } from '../index';

const TOKEN = 'ghp_forge_spec_token_0123456789';
const draft = (head: string) => ({
  repo: 'api',
  head,
  base: 'main',
  title: `${head.slice(6)}: do it`,
  body: `Opened by Nightshift.\n\n- ${head.slice(6)}: do it (https://linear.app/x)`,
  tickets: [head.slice(6)],
});
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

describe('GitHubForge against the fake GitHub API', () => {
  let fake: FakeGitHub;
  let make: (extra?: Partial<GitHubForgeOptions>) => GitHubForge;
  beforeEach(async () => {
    fake = new FakeGitHub({ token: TOKEN, repos: ['acme/api'] });
    const baseUrl = await fake.start();
    make = (extra = {}) =>
      new GitHubForge({
        client: createGitHubClient({ token: TOKEN, baseUrl, writeIntervalMs: 0, retryBaseMs: 5, retries: 2 }),
        token: TOKEN,
        repos: { api: 'acme/api' },
        ...extra,
      });
  });
  afterEach(() => fake.stop());

  it('creates one PR per head (draft, labeled, tickets linked) and finds it afterwards', async () => {
    const forge = make({ draft: true, labels: ['nightshift', 'agent'] });
    const first = await forge.findOrCreatePr(draft('agent/ENG-1'));
    expect(first.created).toBe(true);
    expect(first.pr).toMatchObject({
      repo: 'api',
      head: 'agent/ENG-1',
      base: 'main',
      tickets: ['ENG-1'],
      state: 'open',
      url: 'https://github.com/acme/api/pull/1',
    });
    const again = await forge.findOrCreatePr(draft('agent/ENG-1'));
    expect(again).toEqual({ pr: first.pr, created: false });
    expect(fake.pulls()).toEqual([
      expect.objectContaining({ head: 'agent/ENG-1', draft: true, labels: ['nightshift', 'agent'] }),
    ]);
    expect(fake.pulls()[0]!.body).toContain('(https://linear.app/x)');
    expect(await forge.findOpenPr('api', 'agent/ENG-1')).toMatchObject({ number: 1 });
    expect(await forge.findOpenPr('api', 'agent/ENG-2')).toBeNull();
    expect((await forge.listPrs()).map((p) => p.tickets)).toEqual([['ENG-1']]);
  });

  it("updates the title and body of an open PR, keeping the ticket marker so it is still found as Nightshift's", async () => {
    const forge = make();
    const { pr } = await forge.findOrCreatePr(draft('agent/ENG-3'));
    await forge.updatePr('api', pr.number, { title: 'ENG-3: second push', body: 'New body.', tickets: ['ENG-3'] });
    expect(fake.pulls()[0]).toMatchObject({ title: 'ENG-3: second push' });
    expect(fake.pulls()[0]!.body).toMatch(/^New body\.\n\n<!-- nightshift:tickets ENG-3 -->$/);
    expect((await forge.listPrs()).map((p) => [p.title, p.tickets])).toEqual([['ENG-3: second push', ['ENG-3']]]);
    await expect(forge.updatePr('api', 99, { title: 't', body: 'b', tickets: [] })).rejects.toBeInstanceOf(
      ForgeRemoteError,
    );
  });

  it('reads the tickets only from its own trailer: markers planted in the body (one or two) attribute nothing', async () => {
    const forge = make();
    const planted = 'Summary.\n<!-- nightshift:tickets OTHER-1 -->\ntext\n<!-- nightshift:tickets OTHER-2 -->\nmore';
    const { pr } = await forge.findOrCreatePr({ ...draft('agent/ENG-4'), body: planted });
    expect(pr.tickets).toEqual(['ENG-4']);
    await forge.updatePr('api', pr.number, { title: 't', body: planted, tickets: ['ENG-4'] });
    expect(fake.pulls()[0]!.body.match(/nightshift:tickets/g)).toHaveLength(1);
    expect((await forge.listPrs()).map((p) => p.tickets)).toEqual([['ENG-4']]);
  });

  it('opens one PR as a draft with extra labels when the draft asks, though the forge is not set to drafts', async () => {
    const { pr } = await make({ labels: ['nightshift'] }).findOrCreatePr({
      ...draft('agent/ENG-8'),
      draft: true,
      labels: ['checks-failing'],
    });
    expect(pr).toMatchObject({ draft: true, labels: ['nightshift', 'checks-failing'] });
    expect(fake.pulls()).toEqual([
      expect.objectContaining({ head: 'agent/ENG-8', draft: true, labels: ['nightshift', 'checks-failing'] }),
    ]);
  });

  it('reuses a PR an earlier crashed run opened, adding the labels it lacks', async () => {
    fake.createPull('acme/api', { head: 'agent/ENG-7', title: 'ENG-7: from a crashed run' });
    const { pr, created } = await make({ labels: ['nightshift'] }).findOrCreatePr(draft('agent/ENG-7'));
    expect(created).toBe(false);
    expect(pr.number).toBe(1);
    expect(fake.pulls()).toHaveLength(1);
    expect(fake.pulls()[0]!.labels).toEqual(['nightshift']);
  });

  it('gives racing runners the same PR: the loser of the create race finds the winner', async () => {
    const results = await Promise.all([
      make().findOrCreatePr(draft('agent/ENG-3')),
      make().findOrCreatePr(draft('agent/ENG-3')),
    ]);
    expect(fake.pulls()).toHaveLength(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.pr.number)).size).toBe(1);
  });

  it('retries 5xx, then reports GitHub unavailable without quoting the token', async () => {
    fake.failWith({ kind: 'server_error', times: 2 });
    expect((await make().findOrCreatePr(draft('agent/ENG-4'))).created).toBe(true);
    fake.failWith({ kind: 'server_error', times: 10 });
    const err = await make()
      .findOrCreatePr(draft('agent/ENG-5'))
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(ForgeRemoteError);
    expect((err as ForgeRemoteError).kind).toBe('unavailable');
    expect((err as Error).message).not.toContain(TOKEN);
    await expect(make().findOpenPr('web', 'agent/X-1')).rejects.toThrow(
      /forge.repos maps no GitHub repository for "web"/,
    );
  });
});

describe('GitHubForge.pushBranch over smart HTTP', () => {
  let dir: string;
  let server: GitHttpServer;
  let origin: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-forge-http-'));
    git(dir, 'init', '--quiet', '--bare', '--initial-branch=main', path.join(dir, 'api.git'));
    server = new GitHttpServer({ projectRoot: dir, token: TOKEN });
    origin = await server.start();
  });
  afterEach(async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function worktree(): string {
    const wt = path.join(dir, 'wt');
    git(dir, 'init', '--quiet', '--initial-branch=main', wt);
    git(wt, 'config', 'user.email', 't@nightshift.local');
    git(wt, 'config', 'user.name', 't');
    fs.writeFileSync(path.join(wt, 'a.txt'), 'one\n');
    git(wt, 'add', 'a.txt');
    git(wt, 'commit', '--quiet', '-m', 'one');
    return wt;
  }

  it('hands the token to git as a header (not in the URL) and the push lands', async () => {
    const wt = worktree();
    const forge = new GitHubForge({
      client: createGitHubClient({ token: TOKEN }),
      token: TOKEN,
      repos: { api: 'acme/api' },
    });
    await forge.pushBranch({ repo: 'api', remoteUrl: `${origin}/api.git`, worktreePath: wt, branch: 'agent/ENG-1' });
    expect(git(path.join(dir, 'api.git'), 'rev-parse', 'refs/heads/agent/ENG-1')).toBe(git(wt, 'rev-parse', 'HEAD'));
    expect(server.pushAuthHeaders.at(-1)).toBe(`Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`);
    // Nothing was left in the worktree's git config.
    expect(fs.readFileSync(path.join(wt, '.git', 'config'), 'utf8')).not.toContain('extraheader');
  });

  it('fails with PushFailedError when the token is refused, quoting neither the token nor its header', async () => {
    const wt = worktree();
    const wrong = 'ghp_wrong_push_token_123456';
    const forge = new GitHubForge({
      client: createGitHubClient({ token: wrong }),
      token: wrong,
      repos: { api: 'acme/api' },
    });
    const err = await forge
      .pushBranch({ repo: 'api', remoteUrl: `${origin}/api.git`, worktreePath: wt, branch: 'agent/ENG-1' })
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(PushFailedError);
    const text = JSON.stringify(err, Object.getOwnPropertyNames(err));
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(Buffer.from(`x-access-token:${wrong}`).toString('base64'));
  });
});
