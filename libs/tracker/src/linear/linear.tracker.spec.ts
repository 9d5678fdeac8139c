import { FakeLinear } from '@nightshift/testing-fakes';
import { DEFAULT_WORKFLOW_STATES, LinearTracker, TrackerAuthError, TrackerRateLimitedError, TrackerUnavailableError, type LinearTrackerOptions, type TrackerTicket } from '../index';

const KEY = 'lin_api_spec_key_0123456789';
const states = { ...DEFAULT_WORKFLOW_STATES, queue: ['Agent Queue'] };

async function eventually<T>(what: string, fn: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > end) throw new Error(`${what}: still failing after ${timeoutMs} ms: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe('LinearTracker against the fake Linear API', () => {
  let fake: FakeLinear;
  let make: (extra?: Partial<LinearTrackerOptions>) => LinearTracker;
  beforeEach(async () => {
    fake = new FakeLinear({ apiKey: KEY, teams: ['ENG', 'OPS', 'OTHER'] });
    const apiUrl = await fake.start();
    make = (extra = {}) => new LinearTracker({ apiKey: KEY, tokenEnv: 'LINEAR_API_KEY', apiUrl, teams: [{ key: 'ENG' }, { key: 'OPS' }], states, ...extra });
  });
  afterEach(() => fake.stop());

  it('lists unblocked candidates of the configured teams in one request, urgent first then oldest, labels lower-cased', async () => {
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
    expect(fake.requests).toHaveLength(1);
    expect(tickets[2]).toMatchObject({ title: 'old, no priority', state: 'Agent Queue', labels: ['backend'], url: expect.stringContaining(old.key) });

    // Once the blocker is done, the blocked issue becomes a candidate.
    fake.moveIssue(blocker.key, 'Done');
    expect((await tracker.listByStates(['Agent Queue'])).map((t) => t.key)).toContain(blocked.key);
    const seen = (await tracker.getTicket(blocked.key)) as TrackerTicket;
    expect(seen.blockedBy).toEqual([{ key: blocker.key, state: 'Done', open: false }]);
  });

  it('costs one request per page, whatever the number of candidates', async () => {
    for (let i = 0; i < 7; i++) fake.createIssue({ team: 'ENG', title: `t${i}`, state: 'Agent Queue' });
    fake.requests.length = 0;
    expect(await make({ pageSize: 3 }).listByStates(['Agent Queue'])).toHaveLength(7);
    expect(fake.requests).toHaveLength(3);
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
    expect(await eventually('resume after the reset', () => tracker.listByStates(['Agent Queue']))).toHaveLength(1);
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
