#!/usr/bin/env node
// What an hour of Nightshift costs against Linear's hourly limits, by reader, through the real
// @linear/sdk client and LinearTracker against the fake Linear API (which scores every query by
// Linear's published rules, rounded up, and refuses one over 10,000 points). Each service has its own
// tracker (its own caches), so each reader below gets its own LinearTracker, as in production:
//
//   scanner (polling)  poll: listByStates(queue) every scan; a tenth of the queue blocked by open issues
//                      stranded check: listByStates([In Progress]) every scan, tickets entering and
//                        leaving In Progress at the session rate
//                      reconciliation: statesOf(every running session's ticket) every scan
//   router (intake)    decides from the scan's snapshot: no getTicket (before dispatch rounds it re-read every
//                        re-offered ticket each scan; --router-rereads N models that older router)
//                      listByStates(queue) once per dispatch round that has a free slot: about once per
//                        session that ends (a round with no room lists nothing)
//                      moveTo In Progress, once per dispatch
//   runners            getTicket when a session starts and again when it finishes (the PR link check)
//                      comment (the PR link) and moveTo In Review, once per session
//
// Per hour: scans = 3600 / scanIntervalSec, sessions = inProgress × 60 / sessionMin. Polling (the
// scanner) must stay within pollBudgetShare (25 %) of the budget; the figures are printed against
// Linear's API-key and OAuth-app limits (LINEAR_PUBLISHED_LIMITS). Also counts the GitHub Issues
// tracker's listing requests. Needs `npm run build` first.
//   node bench/tracker-requests.js [--queued 500] [--in-progress 20] [--scan-sec 120] [--session-min 6]
//                                  [--router-rereads N (default 0: intake snapshots)]
// Also prints the Jira tracker's requests per scan and the GitLab issues tracker's (bench/tracker-requests-jira-gitlab.js).
const { FakeLinear, FakeGitHub } = require('@nightshift/testing-fakes');
const {
  LinearTracker,
  GitHubIssuesTracker,
  DEFAULT_WORKFLOW_STATES,
  LINEAR_PUBLISHED_LIMITS,
} = require('@nightshift/tracker');
const { createGitHubClient } = require('@nightshift/github-client');
const { gitlabScan, jiraScans } = require('./tracker-requests-jira-gitlab');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const QUEUED = arg('queued', 500);
const IN_PROGRESS = arg('in-progress', 20);
const SCAN_SEC = arg('scan-sec', 120);
const SESSION_MIN = arg('session-min', 6);
const POLL_SHARE = 0.25;
const BLOCKED = Math.floor(QUEUED / 10);
const ROUTER_REREADS = arg('router-rereads', 0);
const SCANS = 3600 / SCAN_SEC;
const SESSIONS = (IN_PROGRESS * 60) / SESSION_MIN;
const KEY = 'lin_api_bench_0123456789';
const TOKEN = 'ghp_bench_0123456789';
const states = { ...DEFAULT_WORKFLOW_STATES, queue: ['Agent Queue'] };

/** Requests and charged points the fake saw while `fn` ran; any refusal fails the bench. */
async function measure(fake, fn) {
  const from = fake.scored.length;
  const result = await fn();
  const seen = fake.scored.slice(from);
  if (seen.some((s) => s.status !== 200))
    throw new Error(`refused: ${JSON.stringify(seen.filter((s) => s.status !== 200))}`);
  return {
    result,
    requests: seen.length,
    points: seen.reduce((sum, s) => sum + s.complexity, 0),
    max: Math.max(0, ...seen.map((s) => s.complexity)),
  };
}

async function linearHour() {
  // Limits high enough that the bench measures cost, not refusals; the per-query cap stays Linear's.
  const fake = new FakeLinear({
    apiKey: KEY,
    teams: ['ENG', 'OPS'],
    limits: { complexityPerHour: 1e12, requestsPerHour: 1e9 },
  });
  const apiUrl = await fake.start();
  const tracker = () =>
    new LinearTracker({
      apiKey: KEY,
      tokenEnv: 'LINEAR_API_KEY',
      apiUrl,
      teams: [{ key: 'ENG' }, { key: 'OPS' }],
      states,
    });
  try {
    const queued = [];
    for (let i = 0; i < QUEUED; i++) {
      const issue = fake.createIssue({
        team: i % 2 ? 'ENG' : 'OPS',
        title: `queued ${i}`,
        description: `work item ${i}`,
        state: 'Agent Queue',
        labels: ['backend', `area-${i % 5}`],
        priority: i % 5,
      });
      queued.push(issue.key);
      if (i < BLOCKED)
        fake.addBlocks(fake.createIssue({ team: 'ENG', title: `blocker ${i}`, state: 'Backlog' }).key, issue.key);
    }
    const working = [];
    for (let i = 0; i < IN_PROGRESS; i++)
      working.push(fake.createIssue({ team: 'ENG', title: `working ${i}`, state: 'In Progress' }).key);
    const now = new Date().toISOString();
    for (let c = 0; c < 5; c++)
      fake.store
        .issue(queued[BLOCKED])
        .comments.push({ id: `c${c}`, body: `comment ${c}`, createdAt: now, updatedAt: now, userName: 'dev' });

    // Scanner: its first scan of the hour reads every candidate in full (candidateRefreshMs 1 h), later ones keys only.
    const scanner = tracker();
    const pollCold = await measure(fake, () => scanner.listByStates(states.queue));
    if (pollCold.result.length !== QUEUED - BLOCKED) throw new Error(`poll found ${pollCold.result.length}`);
    const pollWarm = await measure(fake, () => scanner.listByStates(states.queue));
    const strandedCold = await measure(fake, () => scanner.listByStates([states.inProgress]));
    // Between two scans, SESSIONS / SCANS tickets leave In Progress and as many enter it.
    const churn = Math.max(1, Math.round(SESSIONS / SCANS));
    for (let i = 0; i < churn; i++) {
      fake.moveIssue(working[i], 'In Review');
      const entering = queued[queued.length - 1 - i];
      fake.moveIssue(entering, 'In Progress');
      working[i] = entering;
    }
    const strandedWarm = await measure(fake, () => scanner.listByStates([states.inProgress]));
    if (strandedWarm.result.length !== IN_PROGRESS)
      throw new Error(`stranded check found ${strandedWarm.result.length}`);
    const reconcile = await measure(fake, () => scanner.statesOf(working));

    // Router: a re-offered ticket is read in full; a dispatch lists the queue for a batch and moves its lead.
    const router = tracker();
    const getTicket = await measure(fake, () => router.getTicket(queued[BLOCKED]));
    if (getTicket.result.comments.length !== 5) throw new Error('getTicket lost comments');
    await router.listByStates(states.queue);
    const batchListing = await measure(fake, () => router.listByStates(states.queue));
    await router.moveTo(queued[BLOCKED + 1], 'In Progress');
    const move = await measure(fake, () => router.moveTo(queued[BLOCKED + 2], 'In Progress'));

    // Runners: the ticket read at start and at finish, the PR link comment and the move to In Review.
    const runner = tracker();
    await runner.getTicket(queued[BLOCKED + 1]);
    const comment = await measure(fake, () => runner.comment(queued[BLOCKED + 1], 'Nightshift opened a pull request'));

    const per = (m, times) => ({ requests: m.requests * times, points: m.points * times, max: m.max });
    const sum = (...parts) => ({
      requests: parts.reduce((s, p) => s + p.requests, 0),
      points: parts.reduce((s, p) => s + p.points, 0),
      max: Math.max(...parts.map((p) => p.max)),
    });
    const readers = [
      { group: 'polling', name: 'scanner: poll (queue listing)', ...sum(pollCold, per(pollWarm, SCANS - 1)) },
      { group: 'polling', name: 'scanner: stranded check', ...sum(strandedCold, per(strandedWarm, SCANS - 1)) },
      { group: 'polling', name: 'scanner: reconciliation', ...per(reconcile, SCANS) },
      { group: 'intake', name: `router: re-reads (${ROUTER_REREADS}/scan)`, ...per(getTicket, ROUTER_REREADS * SCANS) },
      { group: 'intake', name: 'router: dispatch-round listing', ...per(batchListing, SESSIONS) },
      { group: 'writes', name: 'router: move to In Progress', ...per(move, SESSIONS) },
      { group: 'intake', name: 'runners: ticket reads (2/session)', ...per(getTicket, 2 * SESSIONS) },
      { group: 'writes', name: 'runners: PR comment + move', ...per(sum(comment, move), SESSIONS) },
    ];
    return { readers, getTicket, pollWarm, strandedWarm };
  } finally {
    await fake.stop();
  }
}

async function githubPoll(candidates) {
  const fake = new FakeGitHub({ token: TOKEN, repos: ['acme/planning'] });
  const baseUrl = await fake.start();
  try {
    for (let i = 0; i < candidates; i++)
      fake.createIssue('acme/planning', { title: `candidate ${i}`, labels: ['agent-queue', 'backend'] });
    const tracker = new GitHubIssuesTracker({
      client: createGitHubClient({ token: TOKEN, baseUrl }),
      tokenEnv: 'GITHUB_TOKEN',
      repos: [{ repo: 'acme/planning', keyPrefix: 'PLAN' }],
      states: {
        queue: ['agent-queue'],
        inProgress: 'agent-working',
        inReview: 'agent-review',
        needsHuman: 'needs-human',
        done: 'agent-done',
      },
    });
    fake.requests.length = 0;
    const tickets = await tracker.listByStates(['agent-queue']);
    if (tickets.length !== candidates) throw new Error(`expected ${candidates} candidates, got ${tickets.length}`);
    return { candidates, requests: fake.requests.length, pages: Math.max(1, Math.ceil(candidates / 100)) };
  } finally {
    await fake.stop();
  }
}

const pct = (part, whole) => `${((part / whole) * 100).toFixed(1)} %`;
const num = (n) => Math.round(n).toLocaleString('en');

async function main() {
  const { readers, getTicket, pollWarm, strandedWarm } = await linearHour();
  const api = LINEAR_PUBLISHED_LIMITS.apiKey;
  const oauth = LINEAR_PUBLISHED_LIMITS.oauth;
  console.log(
    `Linear, one hour at ${QUEUED} queued (${BLOCKED} blocked) / ${IN_PROGRESS} in progress / ${SCAN_SEC} s scans: ` +
      `${SCANS} scans, ${SESSIONS} sessions (median ${SESSION_MIN} min)`,
  );
  console.log(
    `limits per hour: API key ${num(api.requestsPerHour)} requests, ${num(api.complexityPerHour)} points; ` +
      `OAuth app ${num(oauth.requestsPerHour)} requests, ${num(oauth.complexityPerHour)} points`,
  );
  console.log(
    `per call: warm poll ${pollWarm.requests} req / ${pollWarm.points} pts, stranded check ${strandedWarm.requests} req / ${strandedWarm.points} pts, getTicket ${getTicket.points} pts`,
  );
  const header = `${'reader'.padEnd(36)} ${'req/h'.padStart(8)} ${'points/h'.padStart(12)}  ${'req % key'.padStart(9)} ${'pts % key'.padStart(9)}  ${'req % oauth'.padStart(11)} ${'pts % oauth'.padStart(11)}`;
  console.log(header);
  const row = (name, r) =>
    console.log(
      `${name.padEnd(36)} ${num(r.requests).padStart(8)} ${num(r.points).padStart(12)}  ${pct(r.requests, api.requestsPerHour).padStart(9)} ${pct(r.points, api.complexityPerHour).padStart(9)}  ${pct(r.requests, oauth.requestsPerHour).padStart(11)} ${pct(r.points, oauth.complexityPerHour).padStart(11)}`,
    );
  for (const r of readers) row(r.name, r);
  const total = (group) =>
    readers
      .filter((r) => !group || r.group === group)
      .reduce((s, r) => ({ requests: s.requests + r.requests, points: s.points + r.points }), {
        requests: 0,
        points: 0,
      });
  const polling = total('polling');
  row('= polling (scanner)', polling);
  row('= intake reads (router + runners)', total('intake'));
  row('= writes (moves, comments)', total('writes'));
  row('= all readers and writers', total());
  const share = (limits) =>
    Math.max(polling.requests / limits.requestsPerHour, polling.points / limits.complexityPerHour);
  const verdict = (label, limits) => {
    const s = share(limits);
    return `${label}: polling uses ${(s * 100).toFixed(1)} % of the budget (pollBudgetShare ${POLL_SHARE * 100} %) → ${s <= POLL_SHARE ? 'within' : 'OVER'}`;
  };
  console.log(verdict('API key', api));
  console.log(verdict('OAuth app', oauth));
  const all = total();
  for (const [label, limits] of [
    ['API key', api],
    ['OAuth app', oauth],
  ])
    console.log(
      `${label}: everything together ${pct(all.requests, limits.requestsPerHour)} of requests, ${pct(all.points, limits.complexityPerHour)} of points`,
    );
  const largest = Math.max(...readers.map((r) => r.max));
  console.log(`largest single query: ${largest} points (Linear's cap 10,000)`);

  const gh = [];
  for (const n of [10, 100, 250]) gh.push(await githubPoll(n));
  console.log(
    'GitHub Issues: queued → listing requests: ' + gh.map((g) => `${g.candidates} → ${g.requests}`).join(', '),
  );
  const jira = await jiraScans(QUEUED);
  const jiraHour = jira.warmChanged * (SCANS - 1) + jira.cold;
  console.log(
    `Jira: requests per scan at ${jira.queued} queued (${jira.blocked} blocked by another project's issues): ` +
      `cold ${jira.cold} (full listing, pages of 100), warm ${jira.warm} (nothing changed), ` +
      `${jira.warmChanged} (${jira.changed} changed); ~${num(jiraHour)} polling requests/h at ${SCAN_SEC} s scans ` +
      `(${pct(jiraHour, 10_000)} of the default 10,000/h budget)`,
  );
  const gitlab = await gitlabScan(QUEUED);
  const gitlabHour = gitlab.requests * SCANS;
  console.log(
    `GitLab issues: requests per scan at ${gitlab.queued} queued (${gitlab.blocked} blocked): ${gitlab.requests} ` +
      `(pages of 100, blockers in one iids[] listing); ${num(gitlabHour)} polling requests/h at ${SCAN_SEC} s scans ` +
      `(${pct(gitlabHour, 120_000)} of gitlab.com's 2,000 a minute)`,
  );
  console.log(
    JSON.stringify({
      bench: 'tracker-requests',
      queued: QUEUED,
      inProgress: IN_PROGRESS,
      scanSec: SCAN_SEC,
      readers: readers.map(({ group, name, requests, points }) => ({ group, name, requests, points })),
      pollingShare: { apiKey: share(api), oauth: share(oauth) },
      github: gh,
      jira,
      gitlab,
    }),
  );
  const bad = [share(api), share(oauth)].some((s) => s > POLL_SHARE) || largest > 10_000;
  const ghBad =
    gh.some((g) => g.requests > 2 * g.pages) || jira.warm > 2 || jiraHour / 10_000 > POLL_SHARE || gitlab.requests > 7;
  if (bad || ghBad) {
    console.error(
      'FAIL: polling over its share of a Linear budget, a query over the cap, or GitHub listing over 2 requests a page',
    );
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
