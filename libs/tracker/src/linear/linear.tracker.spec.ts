import { FakeLinear, waitFor } from '@nightshift/testing-fakes';

import {
  DEFAULT_WORKFLOW_STATES,
  LinearTracker,
  type LinearTrackerOptions,
  TrackerAuthError,
  TrackerQueryTooComplexError,
  TrackerRateLimitedError,
  type TrackerTicket,
  TrackerUnavailableError,
} from '../index';

const KEY = 'lin_api_spec_key_0123456789';
const states = { ...DEFAULT_WORKFLOW_STATES, queue: ['Agent Queue'] };

describe('LinearTracker against the fake Linear API', () => {
  let fake: FakeLinear;
  let make: (extra?: Partial<LinearTrackerOptions>) => LinearTracker;
  beforeEach(async () => {
    fake = new FakeLinear({ apiKey: KEY, teams: ['ENG', 'OPS', 'OTHER'] });
    const apiUrl = await fake.start();
    make = (extra = {}) =>
      new LinearTracker({
        apiKey: KEY,
        tokenEnv: 'LINEAR_API_KEY',
        apiUrl,
        teams: [{ key: 'ENG' }, { key: 'OPS' }],
        states,
        ...extra,
      });
  });
  afterEach(() => fake.stop());

  it('lists unblocked candidates of the configured teams, urgent first then oldest, labels lower-cased; a repeated poll reads only keys', async () => {
    const old = fake.createIssue({ team: 'ENG', title: 'old, no priority', state: 'Agent Queue', labels: ['Backend'] });
    const urgent = fake.createIssue({ team: 'OPS', title: 'urgent', state: 'Agent Queue', priority: 1 });
    const low = fake.createIssue({ team: 'ENG', title: 'low', state: 'Agent Queue', priority: 4 });
    fake.createIssue({ team: 'ENG', title: 'not queued', state: 'Backlog' });
    fake.createIssue({ team: 'OTHER', title: 'other team', state: 'Agent Queue' });
    const blocker = fake.createIssue({ team: 'ENG', title: 'blocker', state: 'In Progress' });
    const blocked = fake.createIssue({ team: 'ENG', title: 'blocked', state: 'Agent Queue' });
    fake.addBlocks(blocker.key, blocked.key);
    const tracker = make();

    fake.requests.length = 0;
    const tickets = await tracker.listByStates(['Agent Queue']);
    expect(tickets.map((t) => t.key)).toEqual([urgent.key, low.key, old.key]);
    // Keys and stamps first, then the new candidates in full.
    expect(fake.requests.map((r) => r.detail)).toEqual(['NightshiftCandidateKeys', 'NightshiftCandidates']);
    expect(tickets[2]).toMatchObject({
      title: 'old, no priority',
      state: 'Agent Queue',
      labels: ['backend'],
      url: expect.stringContaining(old.key),
    });

    // Nothing changed: keys, and the states of the one open blocker; nothing read in full.
    fake.requests.length = 0;
    expect((await tracker.listByStates(['Agent Queue'])).map((t) => t.key)).toEqual([urgent.key, low.key, old.key]);
    expect(fake.requests.map((r) => r.detail)).toEqual(['NightshiftCandidateKeys', 'NightshiftBlockerStates']);

    // A changed candidate is read again in full.
    fake.moveIssue(low.key, 'Agent Queue');
    fake.requests.length = 0;
    await tracker.listByStates(['Agent Queue']);
    expect(fake.requests.map((r) => r.detail)).toEqual([
      'NightshiftCandidateKeys',
      'NightshiftBlockerStates',
      'NightshiftCandidates',
    ]);

    // Once the blocker is done (which does not touch the blocked issue), the blocked issue becomes a candidate.
    fake.moveIssue(blocker.key, 'Done');
    expect((await tracker.listByStates(['Agent Queue'])).map((t) => t.key)).toContain(blocked.key);
    const seen = (await tracker.getTicket(blocked.key)) as TrackerTicket;
    expect(seen.blockedBy).toEqual([{ key: blocker.key, state: 'Done', open: false }]);
  });

  it('costs one request per page, whatever the number of candidates', async () => {
    for (let i = 0; i < 7; i++) fake.createIssue({ team: 'ENG', title: `t${i}`, state: 'Agent Queue' });
    fake.requests.length = 0;
    expect(await make({ pageSize: 3 }).listByStates(['Agent Queue'])).toHaveLength(7);
    expect(fake.requests.filter((r) => r.detail === 'NightshiftCandidateKeys')).toHaveLength(3);
    expect(fake.requests.filter((r) => r.detail === 'NightshiftCandidates')).toHaveLength(3);
  });

  it('reads a dispatched ticket alone with its whole comment thread, under the cap', async () => {
    const issue = fake.createIssue({ team: 'ENG', title: 'chatty', state: 'Agent Queue' });
    for (let i = 0; i < 30; i++)
      fake.store.issue(issue.key).comments.push({
        id: `c${i}`,
        body: `comment ${i}`,
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
        userName: 'dev',
      });
    fake.scored.length = 0;
    expect((await make().getTicket(issue.key))?.comments).toHaveLength(30);
    expect(fake.scored).toEqual([{ operation: 'NightshiftTicket', complexity: expect.any(Number), status: 200 }]);
    expect(fake.scored[0]!.complexity).toBeLessThan(1000);
  });

  it('surfaces a query Linear refuses as too complex as a clear error naming the query and its score, never an empty poll', async () => {
    await fake.stop();
    fake = new FakeLinear({ apiKey: KEY, teams: ['ENG', 'OPS'], limits: { maxComplexity: 100 } });
    const apiUrl = await fake.start();
    fake.createIssue({ team: 'ENG', title: 'x', state: 'Agent Queue' });
    const tracker = new LinearTracker({
      apiKey: KEY,
      tokenEnv: 'LINEAR_API_KEY',
      apiUrl,
      teams: [{ key: 'ENG' }],
      states,
    });
    const err = await tracker.listByStates(['Agent Queue']).catch((e: Error) => e);
    expect(err).toBeInstanceOf(TrackerQueryTooComplexError);
    const refused = fake.scored.find((s) => s.status === 400)!;
    expect(refused.operation).toBe('NightshiftCandidateKeys');
    expect((err as TrackerQueryTooComplexError).complexity).toBe(refused.complexity);
    expect((err as Error).message).toContain(
      `refused the query NightshiftCandidateKeys as too complex: ${Math.ceil(refused.complexity)} points, over its limit of 100 per query`,
    );
  });

  it('keeps the budget Linear reports, and refuses locally a request the complexity budget cannot pay for', async () => {
    await fake.stop();
    fake = new FakeLinear({ apiKey: KEY, teams: ['ENG'], limits: { complexityPerHour: 500 } });
    const apiUrl = await fake.start();
    fake.createIssue({ team: 'ENG', title: 'x', state: 'Agent Queue' });
    const tracker = new LinearTracker({
      apiKey: KEY,
      tokenEnv: 'LINEAR_API_KEY',
      apiUrl,
      teams: [{ key: 'ENG' }],
      states,
    });
    expect(tracker.budget()).toEqual([]);
    // One known key is asked with first: 1 (3.4 points, charged 4); the key listing (250 × 2.4 = 600 points) is more than is left.
    await expect(tracker.statesOf(['ENG-1'])).resolves.toEqual(new Map([['ENG-1', 'Agent Queue']]));
    expect(fake.scored.map((s) => s.complexity)).toEqual([4]);
    const complexity = tracker.budget().find((b) => b.kind === 'complexity')!;
    expect(complexity).toMatchObject({ limit: 500 });
    expect(complexity.remaining).toBeLessThanOrEqual(500 - 3);
    expect(tracker.budget().find((b) => b.kind === 'requests')).toMatchObject({ limit: 5000, remaining: 4999 });
    const asked = fake.requests.length;
    await expect(tracker.listByStates(['Agent Queue'])).rejects.toBeInstanceOf(TrackerRateLimitedError);
    expect(fake.requests).toHaveLength(asked);
  });

  it("answers a spent budget (Linear's RATELIMITED) with a back-off until Linear's reset", async () => {
    fake.createIssue({ team: 'ENG', title: 'x', state: 'Agent Queue' });
    fake.budget.complexity.drain();
    const err = await make()
      .listByStates(['Agent Queue'])
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(TrackerRateLimitedError);
    expect((err as TrackerRateLimitedError).retryAt).toBeGreaterThan(Date.now());
  });

  it('moves, comments, labels and reads back, with state names mapped per team', async () => {
    const ops = fake.createIssue({ team: 'OPS', title: 'ops work', state: 'Agent Queue' });
    const tracker = make({ teams: [{ key: 'ENG' }, { key: 'OPS', states: { inProgress: 'In Review' } }] });
    await tracker.moveTo(ops.key, 'In Progress');
    expect(fake.issue(ops.key).state).toBe('In Review');
    // The team's own name reads back as the global one, so callers compare with tracker.states.
    expect((await tracker.getTicket(ops.key))?.state).toBe('In Progress');

    fake.requests.length = 0;
    await tracker.moveTo(ops.key, 'Done');
    expect(fake.requests.map((r) => r.detail)).toEqual(['NightshiftMove']);

    await tracker.comment(ops.key, 'PR opened: https://example/pr/1');
    await tracker.addLabel(ops.key, 'nightshift');
    const ticket = await tracker.getTicket(ops.key);
    expect(ticket?.comments.map((c) => c.body)).toEqual(['PR opened: https://example/pr/1']);
    expect(ticket?.labels).toEqual(['nightshift']);
    expect((await tracker.statesOf([ops.key, 'ENG-999', 'NOPE-1'])).get(ops.key)).toBe('Done');
  });

  it('sizes first: to what is needed and caches label and workflow-state lookups until their TTL', async () => {
    for (let i = 0; i < 20; i++) fake.createIssue({ team: 'ENG', title: `working ${i}`, state: 'In Progress' });
    const a = fake.createIssue({ team: 'ENG', title: 'a', state: 'Agent Queue' });
    const b = fake.createIssue({ team: 'ENG', title: 'b', state: 'Agent Queue' });
    let tracker = make();
    await tracker.listByStates(['In Progress']);
    fake.scored.length = 0;
    // The stranded check's listing of 20 asks for 30 keys (72 points), not Linear's 250 (600).
    expect(await tracker.listByStates(['In Progress'])).toHaveLength(20);
    expect(fake.scored).toEqual([{ operation: 'NightshiftCandidateKeys', complexity: 72, status: 200 }]);
    // More than last time still all come, on a further page.
    for (let i = 0; i < 15; i++) fake.createIssue({ team: 'OPS', title: `more ${i}`, state: 'In Progress' });
    expect(await tracker.listByStates(['In Progress'])).toHaveLength(35);

    fake.scored.length = 0;
    await tracker.addLabel(a.key, 'nightshift');
    await tracker.addLabel(b.key, 'nightshift');
    await tracker.moveTo(a.key, 'Done');
    await tracker.moveTo(b.key, 'Done');
    const ops = fake.scored.map((s) => s.operation);
    expect(ops.filter((o) => o === 'NightshiftLabel')).toHaveLength(1);
    expect(ops.filter((o) => o === 'NightshiftStates')).toHaveLength(1);
    // Team count + 1 labels (3 × 3.6 = 10.8 → 11 points), 2 teams × 12 states (24 × 3.7 = 88.8 → 89).
    expect(fake.scored.filter((s) => s.operation === 'NightshiftLabel')[0]!.complexity).toBe(11);
    expect(fake.scored.filter((s) => s.operation === 'NightshiftStates')[0]!.complexity).toBe(89);

    tracker = make({ lookupTtlMs: 0 });
    fake.scored.length = 0;
    await tracker.addLabel(a.key, 'nightshift');
    await tracker.addLabel(b.key, 'nightshift');
    expect(fake.scored.filter((s) => s.operation === 'NightshiftLabel')).toHaveLength(2);
    expect(fake.issue(b.key).labels).toEqual(['nightshift']);
  });

  it('returns null for an unknown issue, and for a key outside the configured teams without asking', async () => {
    const tracker = make();
    expect(await tracker.getTicket('ENG-999')).toBeNull();
    fake.requests.length = 0;
    expect(await tracker.getTicket('OTHER-1')).toBeNull();
    expect(await tracker.getTicket('../etc/passwd')).toBeNull();
    expect(fake.requests).toHaveLength(0);
  });

  it('names the state and the team when a state does not exist', async () => {
    const issue = fake.createIssue({ team: 'ENG', title: 'x', state: 'Agent Queue' });
    await expect(make().moveTo(issue.key, 'Nonexistent')).rejects.toThrow(/team ENG.*no state named "Nonexistent"/);
  });

  it('backs off after a rate-limit answer without asking again, then resumes by itself', async () => {
    fake.createIssue({ team: 'ENG', title: 'x', state: 'Agent Queue' });
    const tracker = make();
    fake.failWith({ kind: 'rate_limited', times: 1, resetInSec: 0.4 });
    await expect(tracker.listByStates(['Agent Queue'])).rejects.toBeInstanceOf(TrackerRateLimitedError);
    const asked = fake.requests.length;
    await expect(tracker.listByStates(['Agent Queue'])).rejects.toThrow(/backs off until/);
    expect(fake.requests).toHaveLength(asked);
    expect(await waitFor('resume after the reset', () => tracker.listByStates(['Agent Queue']), 5000)).toHaveLength(1);
  });

  it('maps 5xx and refused credentials to their error kinds, never quoting the key', async () => {
    const tracker = make();
    fake.failWith({ kind: 'server_error', times: 1 });
    await expect(tracker.listByStates(['Agent Queue'])).rejects.toBeInstanceOf(TrackerUnavailableError);
    const wrong = make({ apiKey: 'lin_api_wrong_key_987654321' });
    const err = await wrong.listByStates(['Agent Queue']).catch((e: Error) => e);
    expect(err).toBeInstanceOf(TrackerAuthError);
    expect((err as Error).message).toContain('LINEAR_API_KEY');
    expect((err as Error).message).not.toContain('lin_api_wrong_key_987654321');
    expect(JSON.stringify(err, Object.getOwnPropertyNames(err))).not.toContain(KEY);
  });
});
