// Jira's and GitLab's part of bench/tracker-requests.js: requests per scan of JiraTracker (through jira.js)
// and GitLabIssuesTracker (through @gitbeaker/rest) against their fakes at a given queue size, a tenth of
// the queue blocked by open issues.
const { FakeGitLab, FakeJira } = require('@nightshift/testing-fakes');
const { GitLabIssuesTracker, JiraTracker, DEFAULT_WORKFLOW_STATES } = require('@nightshift/tracker');

const EMAIL = 'bench@example.com';
const TOKEN = 'jira_bench_0123456789';

/** Cold scan (full listing), warm scan with nothing changed, warm scan after `changed` issues changed. */
async function jiraScans(queued, changed = 10) {
  const fake = new FakeJira({
    email: EMAIL,
    apiToken: TOKEN,
    projects: ['ENG', 'DEP'],
    limits: { burstPerEndpoint: 1e9, writesPerIssue: 1e9 },
  });
  const baseUrl = await fake.start();
  try {
    // Created an hour ago, so a warm scan's `updated >=` window holds only what changes during the bench.
    const created = Date.now() - 3_600_000;
    const blockers = Math.floor(queued / 10);
    const keys = [];
    for (let i = 0; i < queued; i++)
      keys.push(
        fake.createIssue({ project: 'ENG', summary: `task ${i}`, status: 'Agent Queue', created: created + i }).key,
      );
    for (let i = 0; i < blockers; i++) {
      const b = fake.createIssue({ project: 'DEP', summary: `dep ${i}`, status: 'In Progress', created }).key;
      fake.addBlocks(b, keys[i]);
      fake.store.find(keys[i]).updated = created + i;
    }
    const tracker = new JiraTracker({
      baseUrl,
      email: EMAIL,
      apiToken: TOKEN,
      tokenEnv: 'JIRA_API_TOKEN',
      projects: ['ENG'],
      states: DEFAULT_WORKFLOW_STATES,
    });
    const count = async () => {
      const from = fake.requests.length;
      const tickets = await tracker.listByStates(['Agent Queue']);
      const seen = fake.requests.slice(from);
      if (seen.some((r) => r.status !== 200))
        throw new Error(`refused: ${JSON.stringify(seen.filter((r) => r.status !== 200))}`);
      return { requests: seen.length, candidates: tickets.length };
    };
    const cold = await count();
    const warm = await count();
    for (let i = blockers; i < blockers + changed; i++) fake.store.touch(fake.store.find(keys[i]));
    const changedScan = await count();
    if (cold.candidates !== queued - blockers)
      throw new Error(`expected ${queued - blockers} candidates, got ${cold.candidates}`);
    return {
      queued,
      blocked: blockers,
      cold: cold.requests,
      warm: warm.requests,
      changed,
      warmChanged: changedScan.requests,
    };
  } finally {
    await fake.stop();
  }
}

/** Requests of one queue listing (GitLab has no change feed to poll: every scan lists the queue labels). */
async function gitlabScan(queued) {
  const token = 'glpat-bench-0123456789';
  const fake = new FakeGitLab({ token, projects: ['acme/alpha'], requestsPerMinute: 1e9 });
  const baseUrl = await fake.start();
  try {
    const blockers = Math.floor(queued / 10);
    const deps = [];
    for (let i = 0; i < blockers; i++)
      deps.push(
        fake.createIssue({ project: 'acme/alpha', title: `dep ${i}`, labels: ['nightshift::in-progress'] }).iid,
      );
    for (let i = 0; i < queued; i++)
      fake.createIssue({
        project: 'acme/alpha',
        title: `task ${i}`,
        description: i < blockers ? `Blocked by #${deps[i]}` : '',
        labels: ['nightshift::queue'],
      });
    const tracker = new GitLabIssuesTracker({
      baseUrl,
      token,
      tokenEnv: 'GITLAB_TOKEN',
      projects: [{ project: 'acme/alpha', keyPrefix: 'AL' }],
      states: {
        queue: ['nightshift::queue'],
        inProgress: 'nightshift::in-progress',
        inReview: 'nightshift::in-review',
        done: 'nightshift::done',
        needsHuman: 'nightshift::needs-human',
      },
    });
    const from = fake.requests.length;
    const tickets = await tracker.listByStates(['nightshift::queue']);
    const seen = fake.requests.slice(from);
    if (seen.some((r) => r.status !== 200)) throw new Error('GitLab fake refused a request');
    if (tickets.length !== queued - blockers)
      throw new Error(`expected ${queued - blockers} candidates, got ${tickets.length}`);
    return { queued, blocked: blockers, requests: seen.length };
  } finally {
    await fake.stop();
  }
}

module.exports = { jiraScans, gitlabScan };
