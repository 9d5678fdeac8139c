#!/usr/bin/env node
// Requests per poll cycle against the fake Linear API, through the real @linear/sdk client, for
// 10, 100 and 250 tickets in the queue state (a tenth of them blocked by an open issue, so not
// dispatched), next to as many issues in other states that the query must not pay for.
// The promise: constant per page (at most 2 requests per page of up to 250), never one per ticket.
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

async function linearPoll(candidates, pageSize) {
  const fake = new FakeLinear({ apiKey: KEY, teams: ['ENG', 'OPS'] });
  const apiUrl = await fake.start();
  try {
    const blockedCount = Math.floor(candidates / 10);
    for (let i = 0; i < candidates; i++) {
      const issue = fake.createIssue({ team: i % 2 ? 'ENG' : 'OPS', title: `queued ${i}`, state: 'Agent Queue', labels: ['backend', `area-${i % 5}`], priority: i % 5 });
      if (i < blockedCount) fake.addBlocks(fake.createIssue({ team: 'ENG', title: `blocker ${i}`, state: 'In Progress' }).key, issue.key);
    }
    // Issues in other states: the filter leaves them on Linear's side.
    for (let i = 0; i < candidates; i++) fake.createIssue({ team: 'ENG', title: `backlog ${i}`, state: 'Backlog' });
    const tracker = new LinearTracker({ apiKey: KEY, tokenEnv: 'LINEAR_API_KEY', apiUrl, teams: [{ key: 'ENG' }, { key: 'OPS' }], states: DEFAULT_WORKFLOW_STATES, pageSize });
    fake.requests.length = 0;
    const started = process.hrtime.bigint();
    const tickets = await tracker.listByStates(['Agent Queue']);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (tickets.length !== candidates - blockedCount) throw new Error(`expected ${candidates - blockedCount} dispatchable tickets, got ${tickets.length}`);
    const pages = Math.max(1, Math.ceil(candidates / pageSize));
    return { tracker: 'linear', candidates, dispatchable: tickets.length, pageSize, pages, requests: fake.requests.length, perPage: fake.requests.length / pages, ms };
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
    const started = process.hrtime.bigint();
    const tickets = await tracker.listByStates(['agent-queue']);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (tickets.length !== candidates) throw new Error(`expected ${candidates} candidates, got ${tickets.length}`);
    const pages = Math.max(1, Math.ceil(candidates / 100));
    return { tracker: 'github', candidates, dispatchable: tickets.length, pageSize: 100, pages, requests: fake.requests.length, perPage: fake.requests.length / pages, ms };
  } finally {
    await fake.stop();
  }
}

async function main() {
  const rows = [];
  for (const pageSize of [250, 100]) for (const n of SIZES) rows.push(await linearPoll(n, pageSize));
  for (const n of SIZES) rows.push(await githubPoll(n));
  console.log('tracker  queued  dispatchable  pageSize  pages  requests  requests/page  ms');
  for (const r of rows) {
    console.log(
      `${r.tracker.padEnd(8)} ${String(r.candidates).padStart(6)} ${String(r.dispatchable).padStart(13)} ${String(r.pageSize).padStart(9)} ${String(r.pages).padStart(6)} ${String(r.requests).padStart(9)} ${r.perPage.toFixed(2).padStart(14)} ${r.ms.toFixed(0).padStart(5)}`,
    );
  }
  console.log(JSON.stringify({ bench: 'tracker-requests', rows }));
  const bad = rows.filter((r) => r.perPage > 2);
  const linear250 = rows.filter((r) => r.tracker === 'linear' && r.pageSize === 250);
  if (bad.length > 0 || new Set(linear250.map((r) => r.requests)).size !== 1) {
    console.error('FAIL: requests grow with the number of tickets or exceed 2 per page');
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
