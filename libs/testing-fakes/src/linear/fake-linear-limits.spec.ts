import { FakeLinear } from '../index';
import { exactLinearScore, scoreLinearQuery } from './linear-complexity';

const KEY = 'lin_api_limits_test';

async function gql(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: KEY },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, json: await res.json(), headers: res.headers };
}

describe("scoreLinearQuery (Linear's published rules)", () => {
  it('charges the score rounded up to a whole point: a mutation selecting one field costs 2, not 1.1', () => {
    const move = 'mutation M($id: String!) { issueUpdate(id: $id, input: {}) { success } }';
    expect(exactLinearScore(move, { id: 'x' })).toBeCloseTo(1.1);
    expect(scoreLinearQuery(move, { id: 'x' })).toBe(2);
    expect(scoreLinearQuery('{ viewer { id name } }')).toBe(2);
    // A whole score stays as it is (10 × 2.2).
    expect(scoreLinearQuery('query Q($n: Int) { issues(first: $n) { nodes { id state { name } } } }', { n: 10 })).toBe(
      22,
    );
    expect(scoreLinearQuery('{ issues(first: 3) { nodes { id } } }')).toBe(4); // 3.3 → 4
  });

  it("counts 0.1 per property, 1 per object, and multiplies a connection's children by first (50 when omitted)", () => {
    expect(exactLinearScore('{ viewer { id name } }')).toBeCloseTo(1.2);
    expect(
      exactLinearScore('query Q($n: Int) { issues(first: $n) { nodes { id state { name } } } }', { n: 10 }),
    ).toBeCloseTo(10 * (1 + 0.1 + 1.1));
    expect(exactLinearScore('{ issues { nodes { id } } }')).toBeCloseTo(50 * 1.1);
    // Nested connections multiply: 2 issues × 3 labels.
    expect(exactLinearScore('{ issues(first: 2) { nodes { labels(first: 3) { nodes { name } } } } }')).toBeCloseTo(
      2 * (1 + 3 * 1.1),
    );
    // A variable's default applies when the request does not give it.
    expect(exactLinearScore('query Q($n: Int = 4) { issues(first: $n) { nodes { id } } }')).toBeCloseTo(4 * 1.1);
  });
});

describe("FakeLinear enforces Linear's limits", () => {
  let fake: FakeLinear;
  let url: string;
  afterEach(() => fake.stop());

  it('refuses a query over 10,000 points with Linear\'s "Query too complex" error and charges nothing', async () => {
    fake = new FakeLinear({ apiKey: KEY, teams: ['ENG'] });
    url = await fake.start();
    const heavy = '{ issues(first: 100) { nodes { id comments(first: 250) { nodes { body user { name } } } } } }';
    const res = await gql(url, heavy);
    expect(res.status).toBe(400);
    expect(res.json.data).toBeUndefined();
    expect(res.json.errors[0]).toMatchObject({
      message: 'Query too complex',
      extensions: { type: 'invalid input', code: 'INPUT_ERROR', statusCode: 400, userError: true },
    });
    expect(res.json.errors[0].extensions.userPresentableMessage).toBe(
      `The query is too complex. Complexity: ${exactLinearScore(heavy)}. Maximum allowed complexity: 10000.`,
    );
    expect(res.headers.get('x-ratelimit-complexity-remaining')).toBe('3000000');
    expect(res.headers.get('x-ratelimit-requests-remaining')).toBe('4999');
  });

  it('charges a 1.1-point mutation 2 points of the hourly budget, and applies the OAuth limits to an OAuth app', async () => {
    fake = new FakeLinear({ apiKey: KEY, teams: ['ENG'], limits: { complexityPerHour: 1000 } });
    url = await fake.start();
    const res = await gql(url, 'mutation M { issueUpdate(id: "none", input: {}) { success } }');
    expect(res.headers.get('x-complexity')).toBe('2');
    expect(fake.scored.at(-1)!.complexity).toBe(2);
    expect(Number(res.headers.get('x-ratelimit-complexity-remaining'))).toBe(998);
    await fake.stop();
    fake = new FakeLinear({ apiKey: KEY, teams: ['ENG'], authKind: 'oauth' });
    url = await fake.start();
    const oauth = await gql(url, '{ teams(first: 1) { nodes { key } } }');
    expect(oauth.headers.get('x-ratelimit-complexity-limit')).toBe('2000000');
    expect(oauth.headers.get('x-ratelimit-requests-limit')).toBe('5000');
  });

  it('sends the x-ratelimit headers, spends the hourly budgets per request, and answers RATELIMITED once one is spent', async () => {
    fake = new FakeLinear({ apiKey: KEY, teams: ['ENG'], limits: { complexityPerHour: 200, requestsPerHour: 1000 } });
    url = await fake.start();
    const q = '{ issues(first: 50) { nodes { identifier } } }'; // 55 points
    const first = await gql(url, q);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-complexity')).toBe('55');
    expect(first.headers.get('x-ratelimit-complexity-limit')).toBe('200');
    expect(Number(first.headers.get('x-ratelimit-complexity-remaining'))).toBeLessThanOrEqual(145);
    expect(Number(first.headers.get('x-ratelimit-complexity-reset'))).toBeGreaterThan(Date.now());
    expect(first.headers.get('x-ratelimit-requests-limit')).toBe('1000');
    await gql(url, q);
    await gql(url, q);
    const spent = await gql(url, q);
    expect(spent.status).toBe(400);
    expect(spent.json.errors[0].extensions).toMatchObject({
      code: 'RATELIMITED',
      type: 'ratelimited',
      statusCode: 429,
    });
    expect(fake.scored.map((s) => s.status)).toEqual([200, 200, 200, 400]);

    fake.budget.requests.drain();
    const noRequests = await gql(url, '{ teams(first: 1) { nodes { key } } }');
    expect(noRequests.json.errors[0].extensions.code).toBe('RATELIMITED');
    expect(noRequests.headers.get('x-ratelimit-requests-remaining')).toBe('0');
  });
});
