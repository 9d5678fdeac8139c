#!/usr/bin/env node
// What the Linear adapter costs against Linear's limits, through the real @linear/sdk client and the
// fake Linear API (which scores every query with Linear's published complexity rules and refuses one
// over 10,000 points). For 10, 100 and 250 tickets in the queue state (a tenth blocked by an open
// issue), next to as many issues in other states, it prints requests and complexity points of:
//   - a cold poll (every candidate read in full) and a warm poll (nothing changed: keys + blocker states),
//   - getTicket (one ticket with 20 comments), statesOf (reconciliation of every candidate's key),
//   - the floor: the cheapest possible listing of the same issues (identifiers only), measured the same way,
//   - the hourly share of the 250,000-point budget at scanIntervalSec 120: 30 warm polls + 30 statesOf
//     + one full re-read per hour (candidateRefreshMs default). Target: at most 25 %.
// Also counts the GitHub Issues tracker's listing requests (one per queue label per page of 100).
// Needs `npm run build` first.   node bench/tracker-requests.js [--sizes 10,100,250]
const { FakeLinear, FakeGitHub } = require('@nightshift/testing-fakes');
const { LinearTracker, GitHubIssuesTracker, DEFAULT_WORKFLOW_STATES } = require('@nightshift/tracker');
const { createGitHubClient } = require('@nightshift/github-client');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const SIZES = arg('sizes', '10,100,250').split(',').map(Number);
const KEY = 'lin_api_bench_0123456789';
const TOKEN = 'ghp_bench_0123456789';
const SCAN_INTERVAL_SEC = 120;
const HOURLY_BUDGET = 250_000;
const TARGET_SHARE = 0.25;

/** Requests and points the fake saw while `fn` ran. */
async function measure(fake, fn) {
  const from = fake.scored.length;
  const result = await fn();
  const seen = fake.scored.slice(from);
  if (seen.some((s) => s.status !== 200)) throw new Error(`refused: ${JSON.stringify(seen.filter((s) => s.status !== 200))}`);
  return { result, requests: seen.length, points: Math.round(seen.reduce((sum, s) => sum + s.complexity, 0) * 10) / 10, max: Math.max(0, ...seen.map((s) => s.complexity)) };
}

async function linearCosts(candidates) {
  // Generous budgets so the bench measures cost, not refusals; the per-query cap stays Linear's.
  const fake = new FakeLinear({ apiKey: KEY, teams: ['ENG', 'OPS'], limits: { complexityPerHour: 1e9, requestsPerHour: 1e9 } });
  const apiUrl = await fake.start();
  try {
    const blockedCount = Math.floor(candidates / 10);
    const keys = [];
    for (let i = 0; i < candidates; i++) {
      const issue = fake.createIssue({ team: i % 2 ? 'ENG' : 'OPS', title: `queued ${i}`, description: `work item ${i}`, state: 'Agent Queue', labels: ['backend', `area-${i % 5}`], priority: i % 5 });
      keys.push(issue.key);
      if (i < blockedCount) fake.addBlocks(fake.createIssue({ team: 'ENG', title: `blocker ${i}`, state: 'In Progress' }).key, issue.key);
    }
    for (let i = 0; i < candidates; i++) fake.createIssue({ team: 'ENG', title: `backlog ${i}`, state: 'Backlog' });
    const now = new Date().toISOString();
    for (let c = 0; c < 20; c++) fake.store.issue(keys[0]).comments.push({ id: `c${c}`, body: `comment ${c}`, createdAt: now, updatedAt: now, userName: 'dev' });
    const tracker = new LinearTracker({ apiKey: KEY, tokenEnv: 'LINEAR_API_KEY', apiUrl, teams: [{ key: 'ENG' }, { key: 'OPS' }], states: DEFAULT_WORKFLOW_STATES });

    const cold = await measure(fake, () => tracker.listByStates(['Agent Queue']));
    if (cold.result.length !== candidates - blockedCount) throw new Error(`expected ${candidates - blockedCount} dispatchable tickets, got ${cold.result.length}`);
    const warm = await measure(fake, () => tracker.listByStates(['Agent Queue']));
    if (warm.result.length !== cold.result.length) throw new Error('the warm poll lost candidates');
    const ticket = await measure(fake, () => tracker.getTicket(keys[0]));
    if (ticket.result.comments.length !== 20) throw new Error('getTicket lost comments');
    const states = await measure(fake, () => tracker.statesOf(keys));
    if (states.result.size !== candidates) throw new Error('statesOf lost keys');
    // The floor: identifiers only, one request at Linear's largest page.
    const floor = await measure(fake, async () => {
      const res = await fetch(apiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: KEY },
        body: JSON.stringify({ query: `query Floor { issues(first: ${Math.min(250, candidates)}, filter: { state: { name: { eq: "Agent Queue" } } }) { nodes { identifier } } }` }),
      });
      return res.json();
    });
    const polls = 3600 / SCAN_INTERVAL_SEC;
    const hourly = polls * (warm.points + states.points) + (cold.points - warm.points);
    const floorHourly = polls * floor.points;
    return { candidates, cold, warm, ticket, states, floor, hourly, share: hourly / HOURLY_BUDGET, floorShare: floorHourly / HOURLY_BUDGET };
  } finally {
    await fake.stop();
  }
}

async function githubPoll(candidates) {
  const fake = new FakeGitHub({ token: TOKEN, repos: ['acme/planning'] });
  const baseUrl = await fake.start();
  try {
    for (let i = 0; i < candidates; i++) fake.createIssue('acme/planning', { title: `candidate ${i}`, labels: ['agent-queue', 'backend'] });
    for (let i = 0; i < candidates; i++) fake.createIssue('acme/planning', { title: `other ${i}`, labels: ['backend'] });
    const states = { queue: ['agent-queue'], inProgress: 'agent-working', inReview: 'agent-review', needsHuman: 'needs-human', done: 'agent-done' };
    const tracker = new GitHubIssuesTracker({ client: createGitHubClient({ token: TOKEN, baseUrl }), tokenEnv: 'GITHUB_TOKEN', repos: [{ repo: 'acme/planning', keyPrefix: 'PLAN' }], states });
    fake.requests.length = 0;
    const tickets = await tracker.listByStates(['agent-queue']);
    if (tickets.length !== candidates) throw new Error(`expected ${candidates} candidates, got ${tickets.length}`);
    return { candidates, requests: fake.requests.length, pages: Math.max(1, Math.ceil(candidates / 100)) };
  } finally {
    await fake.stop();
  }
}

const cell = (m) => `${m.requests} req / ${m.points} pts`.padStart(20);

async function main() {
  const rows = [];
  for (const n of SIZES) rows.push(await linearCosts(n));
  console.log(`Linear (complexity cap 10,000 per query; hourly budget ${HOURLY_BUDGET.toLocaleString('en')} points; scanIntervalSec ${SCAN_INTERVAL_SEC})`);
  console.log('queued          cold poll            warm poll   getTicket(20 cmts)   statesOf(all keys)   floor (ids only)  largest query  hourly points  share  floor share');
  for (const r of rows) {
    const largest = Math.max(r.cold.max, r.warm.max, r.ticket.max, r.states.max);
    console.log(
      `${String(r.candidates).padStart(6)} ${cell(r.cold)} ${cell(r.warm)} ${cell(r.ticket)} ${cell(r.states)} ${cell(r.floor)} ${String(Math.ceil(largest)).padStart(14)} ${String(Math.round(r.hourly)).padStart(14)} ${(r.share * 100).toFixed(1).padStart(5)} % ${(r.floorShare * 100).toFixed(1).padStart(9)} %`,
    );
  }
  const gh = [];
  for (const n of SIZES) gh.push(await githubPoll(n));
  console.log('GitHub Issues: queued → listing requests: ' + gh.map((g) => `${g.candidates} → ${g.requests}`).join(', '));
  console.log(JSON.stringify({ bench: 'tracker-requests', linear: rows.map((r) => ({ candidates: r.candidates, cold: r.cold, warm: r.warm, getTicket: r.ticket, statesOf: r.states, floor: r.floor, hourly: r.hourly, share: r.share })).map((r) => JSON.parse(JSON.stringify(r, (k, v) => (k === 'result' ? undefined : v)))), github: gh }));
  const over = rows.filter((r) => r.share > TARGET_SHARE || Math.max(r.cold.max, r.warm.max, r.ticket.max, r.states.max) > 10_000);
  const ghBad = gh.filter((g) => g.requests > 2 * g.pages);
  if (over.length > 0 || ghBad.length > 0) {
    console.error(`FAIL: ${over.map((r) => `${r.candidates} queued uses ${(r.share * 100).toFixed(1)} % of the hourly budget (target ${TARGET_SHARE * 100} %)`).join('; ')}${ghBad.length ? ' GitHub listing exceeds 2 requests per page' : ''}`);
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
