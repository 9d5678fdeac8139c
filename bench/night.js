#!/usr/bin/env node
// A compressed night: TICKETS queued Linear tickets on the strict Linear fake and the strict GitHub fake, two hosts
// (the second alone takes `mobile`) with SLOTS slots in all, all 7 services, the fake agent with lognormal durations
// (6-minute median), 10 % task failures, 5 % rate limits with resets, and a human review comment on 20 % of the PRs.
// Time is compressed COMPRESSION times: one budget-hour lasts 3600 / COMPRESSION wall seconds; every interval of
// Nightshift's config, the agent's durations and the fakes' limits are scaled by the same factor (Linear's hourly
// budgets are leaky buckets over a fixed hour, so their rates are multiplied instead of their window divided).
// Prints a table per simulated hour; `--json` prints the report as one JSON line (e2e/src/night-rehearsal.e2e.spec.ts).
// Needs `npm run build` first.
//   node bench/night.js [--tickets 500] [--slots 35] [--compression 60] [--timeout 3600] [--mac-takes-linux] [--json]
//   (or NIGHT_TICKETS, NIGHT_SLOTS, NIGHT_COMPRESSION, NIGHT_TIMEOUT, NIGHT_MAC_TAKES_LINUX=1)
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Redis } = require('ioredis');
const { startEmbeddedRedis } = require('@nightshift/service-shell');
const { makeBareRemote } = require('@nightshift/git');
const {
  FakeGitHub,
  FakeLinear,
  GITHUB_LIMITS,
  LINEAR_LIMITS,
  isContentCreation,
} = require('@nightshift/testing-fakes');
const { numberArg, percentile } = require('./bench-util');

const ROOT = path.resolve(__dirname, '..');
const FAKE_AGENT = path.join(ROOT, 'tools/fake-claude/fake-claude.js');
const setting = (name, env, fallback) => numberArg(name, Number(process.env[env] ?? fallback));
const TICKETS = setting('tickets', 'NIGHT_TICKETS', 500);
const SLOTS = setting('slots', 'NIGHT_SLOTS', 35);
const C = setting('compression', 'NIGHT_COMPRESSION', 60);
const TIMEOUT_MS = setting('timeout', 'NIGHT_TIMEOUT', 3600) * 1000;
const JSON_OUT = process.argv.includes('--json');
const MAC_TAKES_LINUX = process.argv.includes('--mac-takes-linux') || process.env.NIGHT_MAC_TAKES_LINUX === '1';
const HOUR_MS = 3_600_000 / C;
const MEDIAN_MS = (6 * 60_000) / C;
const SIGMA = 0.5;
const BATCH = 1;
const SECRETS = {
  LINEAR_API_KEY: 'lin_api_nightBenchKey0123456789abcdef',
  GITHUB_TOKEN: 'ghp_nightBenchToken0123456789abcdefAB',
};
const REPOS = [
  { name: 'api', capability: 'linux' },
  { name: 'web', capability: 'linux' },
  { name: 'app', capability: 'mobile' },
];
const TERMINAL = new Set(['In Review', 'Needs Human']);
// The budget Nightshift is told to live within: Linear's published API-key limits per hour.
const LINEAR_BUDGET = { points: LINEAR_LIMITS.complexityPerHour, requests: LINEAR_LIMITS.requestsPerHour };

const log = (...a) => JSON_OUT || console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A deterministic pseudo-random stream, so two runs of one size get the same night. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function plan(n) {
  const rand = rng(42);
  return Array.from({ length: n }, (_, i) => {
    const u1 = Math.max(rand(), 1e-9);
    const u2 = rand();
    const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    const ms = Math.round(MEDIAN_MS * Math.exp(SIGMA * normal));
    const r = rand();
    // Task failures: half fail on the cheap model only (escalation fixes them), half on every model (Needs Human).
    const outcome =
      r < 0.05 ? 'fail' : r < 0.1 ? 'fail only-model=cheap-model' : r < 0.15 ? 'rate-limit launches=1' : 'succeed';
    return { repo: REPOS[i % REPOS.length], directive: `slow=${ms} ${outcome}`, review: rand() < 0.2 };
  });
}

function cpuOf(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

function startService(name, host, configFile, env, logDir) {
  const tag = `${name}${host ? `@${host}` : ''}`;
  const out = fs.openSync(path.join(logDir, `${tag}.log`), 'a');
  const child = spawn(process.execPath, [path.join(ROOT, 'apps', name, 'dist', 'main.js'), '--config', configFile], {
    env: {
      ...process.env,
      ...env,
      ...(host ? { NIGHTSHIFT_HOST: host } : {}),
      NIGHTSHIFT_HTTP_PORT: '0',
      NIGHTSHIFT_GRACE_MS: '3000',
      NIGHTSHIFT_HOST_HEARTBEAT_MS: '1000',
    },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  child.tag = tag;
  return child;
}

function branchPushed(dir, repo, branch) {
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], {
      cwd: path.join(dir, 'remotes', `${repo}.git`),
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

/** Counts the Linear fake's refusals for its hourly budgets (the primary limits) by wrapping its buckets. */
function countLinearRefusals(linear) {
  const refused = { requests: 0, complexity: 0 };
  for (const kind of ['requests', 'complexity']) {
    const bucket = linear.budget[kind];
    const take = bucket.take.bind(bucket);
    bucket.take = (amount, now) => {
      const ok = take(amount, now);
      if (!ok) refused[kind]++;
      return ok;
    };
  }
  return refused;
}

async function sumAttempts(client) {
  let total = 0;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', 'nightshift:attempts:*', 'COUNT', 500);
    cursor = next;
    if (keys.length) for (const v of await client.mget(keys)) total += Number(v ?? 0);
  } while (cursor !== '0');
  return total;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-night-'));
  const logDir = path.join(dir, 'logs');
  fs.mkdirSync(logDir);
  const redis = await startEmbeddedRedis({ dir: path.join(dir, 'redis'), persist: false });
  for (const r of REPOS)
    await makeBareRemote(path.join(dir, 'remotes', `${r.name}.git`), { 'README.md': `# ${r.name}\n` });
  const linear = new FakeLinear({
    apiKey: SECRETS.LINEAR_API_KEY,
    teams: ['ENG'],
    limits: {
      complexityPerHour: LINEAR_LIMITS.complexityPerHour * C,
      requestsPerHour: LINEAR_LIMITS.requestsPerHour * C,
    },
  });
  const github = new FakeGitHub({
    token: SECRETS.GITHUB_TOKEN,
    repos: REPOS.map((r) => `acme/${r.name}`),
    headExists: (repo, branch) => branchPushed(dir, repo.split('/')[1], branch),
    collaborators: ['reviewer'],
    limits: { minuteMs: GITHUB_LIMITS.minuteMs / C, hourMs: GITHUB_LIMITS.hourMs / C },
  });
  await Promise.all([linear.start(), github.start()]);
  const linearRefused = countLinearRefusals(linear);

  // A third of the tickets are mobile: the mac host gets a third of the slots. With --mac-takes-linux it serves linux
  // work too; dispatch then counts its slots once per capability (docs/benchmarks.md, "night").
  const linuxSlots = Math.max(1, Math.round((SLOTS * 2) / 3));
  const hosts = [
    { name: 'linux-1', capabilities: ['linux'], slots: linuxSlots },
    {
      name: 'mac-1',
      capabilities: MAC_TAKES_LINUX ? ['linux', 'mobile'] : ['mobile'],
      slots: Math.max(1, SLOTS - linuxSlots),
    },
  ];
  const capacity = hosts.reduce((s, h) => s + h.slots, 0) * BATCH;
  const sec = (budgetSec) => Math.max(budgetSec / C, 0.05);
  const config = {
    dataDir: 'data',
    tracker: {
      kind: 'linear',
      apiUrl: linear.apiUrl,
      teams: [{ key: 'ENG' }],
      scanIntervalSec: sec(120),
      budget: { requestsPerHour: LINEAR_BUDGET.requests * C, complexityPerHour: LINEAR_BUDGET.points * C },
    },
    forge: {
      kind: 'github',
      baseUrl: github.baseUrl,
      repos: Object.fromEntries(REPOS.map((r) => [r.name, `acme/${r.name}`])),
      draft: true,
      labels: ['nightshift'],
      writeIntervalMs: Math.max(1, Math.round(1000 / C)),
      retryBaseMs: 100,
      // Nightshift's pacing windows are a real minute and hour: its minute is C budget-minutes here, in which GitHub
      // allows the smaller of C × 80 and C/60 × 500; its hour is C budget-hours.
      contentLimits: {
        perMinute: Math.floor(Math.min(GITHUB_LIMITS.contentPerMinute * C, (GITHUB_LIMITS.contentPerHour * C) / 60)),
        perHour: GITHUB_LIMITS.contentPerHour * C,
      },
    },
    repos: REPOS.map((r) => ({ name: r.name, remote: `./remotes/${r.name}.git`, capability: r.capability })),
    hosts,
    agent: {
      command: FAKE_AGENT,
      model: 'cheap-model',
      escalationModel: 'strong-model',
      sessionTimeoutMin: 60 / C,
      rateLimitBackoffMin: 15 / C,
      env: { pass: ['FAKE_CLAUDE_ARGV_LOG', 'FAKE_CLAUDE_DEFAULT'] },
    },
    routing: {
      batchSize: BATCH,
      retryDelaySec: sec(60),
      claimLeaseSec: sec(7200),
      strandedAfterSec: sec(300),
    },
    followUp: { debounceSec: sec(120) },
    reaper: { intervalSec: sec(30), graceSec: sec(10) },
    logLevel: 'warn',
  };
  const configFile = path.join(dir, 'nightshift.yaml');
  fs.writeFileSync(configFile, JSON.stringify(config));
  // One config per host, differing only in the worktree root: each host has its own disk.
  const hostConfig = Object.fromEntries(
    hosts.map((h) => {
      const file = path.join(dir, `nightshift.${h.name}.yaml`);
      fs.writeFileSync(file, JSON.stringify({ ...config, worktrees: { root: path.join(dir, 'hosts', h.name) } }));
      return [h.name, file];
    }),
  );
  const argvLog = path.join(dir, 'agent-argv.jsonl');
  const env = { REDIS_URL: redis.url, FAKE_CLAUDE_ARGV_LOG: argvLog, ...SECRETS };
  const services = [];
  for (const h of hosts)
    for (const name of ['worktree-manager', 'session-runner', 'zombie-reaper'])
      services.push(startService(name, h.name, hostConfig[h.name], env, logDir));
  for (const name of ['router', 'ticket-scanner', 'memory-consolidator', 'metrics-exporter'])
    services.push(startService(name, null, configFile, env, logDir));
  process.on('exit', () => services.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

  const night = plan(TICKETS);
  const keys = night.map(
    (t, i) =>
      linear.createIssue({
        team: 'ENG',
        title: `[${t.repo.name}] night ${i}`,
        description: `fake-agent: ${t.directive}`,
        state: 'Agent Queue',
      }).key,
  );
  const keySet = new Set(keys);
  const reviewOf = new Map(keys.map((k, i) => [k, night[i].review]));
  log(
    `${TICKETS} tickets, ${hosts.map((h) => `${h.name} ${h.slots} slots`).join(', ')}, compression ${C}x (hour = ${(HOUR_MS / 1000).toFixed(0)} s), dir ${dir}`,
  );

  const client = new Redis(redis.url);
  const started = Date.now();
  const reviewed = new Set();
  const hours = [];
  let ipPeak = 0;
  let ipPeakAll = 0;
  let overCapacity = 0;
  let timedOut = null;
  const snapshot = async () => ({
    at: Date.now(),
    points: linear.scored.reduce((s, r) => s + r.complexity, 0),
    linearRequests: linear.requests.length,
    githubRequests: github.requests.length,
    // A 304 Not Modified (a conditional GET whose answer has not changed) costs no primary-limit request.
    githubCounted: github.requests.filter((r) => r.status !== 304).length,
    content: github.requests.filter((r) => isContentCreation(r.method, r.path.split('?')[0])).length,
    refusals: github.limiter.hits.length + linearRefused.requests + linearRefused.complexity,
    prs: github.pulls().length,
    attempts: await sumAttempts(client),
    launches: fs.existsSync(argvLog)
      ? fs
          .readFileSync(argvLog, 'utf8')
          .split('\n')
          .filter((l) => l && !l.includes('"auth"')).length
      : 0,
    cpu: services.reduce((s, c) => s + cpuOf(c.pid), 0),
  });
  let last = await snapshot();
  const closeHour = async () => {
    const now = await snapshot();
    hours.push({ ...diff(now, last), ipPeak, wallSec: (now.at - last.at) / 1000 });
    last = now;
    ipPeak = 0;
  };
  let hourEnds = started + HOUR_MS;
  for (;;) {
    const issues = linear.issues().filter((i) => keySet.has(i.key));
    const inProgress = issues.filter((i) => i.state === 'In Progress').length;
    ipPeak = Math.max(ipPeak, inProgress);
    ipPeakAll = Math.max(ipPeakAll, inProgress);
    if (inProgress > capacity) overCapacity++;
    // A reviewer comments once on a fifth of the PRs, as soon as the PR is open.
    for (const pr of github.pulls()) {
      const key = pr.head.replace(/^agent\//, '');
      if (pr.state === 'open' && reviewOf.get(key) && !reviewed.has(pr.url)) {
        reviewed.add(pr.url);
        github.commentAsHuman(pr.repo, pr.number, 'Please also cover the empty case.', 'reviewer');
      }
    }
    if (Date.now() >= hourEnds) {
      await closeHour();
      hourEnds += HOUR_MS;
    }
    if (issues.every((i) => TERMINAL.has(i.state))) break;
    if (Date.now() - started > TIMEOUT_MS) {
      timedOut = `${issues.filter((i) => !TERMINAL.has(i.state)).length} tickets not done after ${TIMEOUT_MS / 1000} s`;
      break;
    }
    await sleep(100);
  }
  // Follow-ups on the last PRs and the runners' last comments: one more budget-quarter-hour, then the hour closes.
  await sleep(HOUR_MS / 4);
  await closeHour();

  const events = (await client.xrange('nightshift:events', '-', '+')).map(([, f]) => JSON.parse(f[1]));
  const hourOf = (at) => Math.min(hours.length - 1, Math.floor((Date.parse(at) - started) / HOUR_MS));
  for (const h of hours) Object.assign(h, { done: 0, again: 0, requeued: 0 });
  // A ticket is done at its first move into In Review or Needs Human; a review follow-up moves it there again.
  const ended = new Set();
  for (const e of events) {
    if (e.type === 'ticket.moved' && TERMINAL.has(e.detail?.to)) {
      hours[hourOf(e.at)][ended.has(e.ticket) ? 'again' : 'done']++;
      ended.add(e.ticket);
    }
    if (e.type === 'ticket.requeued') hours[hourOf(e.at)].requeued++;
  }
  const refill = refillLatency(events);
  const pulls = github.pulls();
  const heads = new Map();
  for (const p of pulls) heads.set(`${p.repo}:${p.head}`, (heads.get(`${p.repo}:${p.head}`) ?? 0) + 1);
  const finalStates = linear.issues().filter((i) => keySet.has(i.key));
  const report = {
    size: { tickets: TICKETS, slots: capacity, compression: C, hourWallSec: HOUR_MS / 1000 },
    hours,
    limits: {
      linear: LINEAR_BUDGET,
      github: {
        requestsPerHour: GITHUB_LIMITS.requestsPerHour,
        contentPerHour: GITHUB_LIMITS.contentPerHour,
        contentPerMinute: GITHUB_LIMITS.contentPerMinute,
      },
    },
    invariants: {
      linearPrimaryRefusals: linearRefused.requests + linearRefused.complexity,
      githubPrimaryRefusals: github.limiter.hits.filter((h) => h.limit === 'primary').length,
      githubSecondaryRefusals: github.limiter.hits.filter((h) => h.limit !== 'primary').length,
      samplesOverCapacity: overCapacity,
      inProgressPeak: ipPeakAll,
      capacity,
      duplicatePrs: [...heads.values()].filter((n) => n > 1).length,
      notEnded: finalStates.filter((i) => !TERMINAL.has(i.state)).map((i) => `${i.key}:${i.state}`),
    },
    refill,
    totals: {
      inReview: finalStates.filter((i) => i.state === 'In Review').length,
      needsHuman: finalStates.filter((i) => i.state === 'Needs Human').length,
      prs: pulls.length,
      reviewComments: reviewed.size,
      wallSec: Math.round((Date.now() - started) / 1000),
      timedOut,
    },
  };
  client.disconnect();
  await Promise.all(
    services.map((c) => {
      c.kill('SIGTERM');
      return new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)));
    }),
  );
  await Promise.all([linear.stop(), github.stop(), redis.stop()]);
  if (!process.env.NIGHTSHIFT_KEEP_BENCH) fs.rmSync(dir, { recursive: true, force: true });
  if (JSON_OUT) console.log(JSON.stringify(report));
  else print(report);
}

/**
 * A slot freeing while work still waits → the next session starting: from each session's `claim.released` (its last
 * event; the job completes right after) to the next `session.started`, for sessions that end before the last ticket
 * is first claimed (after that nothing waits to take the slot). Milliseconds, nearest-rank percentiles.
 */
function refillLatency(events) {
  const firstClaims = new Map();
  for (const e of events)
    if (e.type === 'ticket.claimed' && !firstClaims.has(e.ticket)) firstClaims.set(e.ticket, e.at);
  const lastFirstClaim = Math.max(...[...firstClaims.values()].map((at) => Date.parse(at)));
  const starts = events.filter((e) => e.type === 'session.started').map((e) => Date.parse(e.at));
  const gaps = [];
  for (const e of events) {
    if (e.type !== 'claim.released') continue;
    const at = Date.parse(e.at);
    if (at >= lastFirstClaim) continue;
    const next = starts.find((s) => s >= at);
    if (next !== undefined) gaps.push(next - at);
  }
  gaps.sort((a, b) => a - b);
  return { samples: gaps.length, p50Ms: percentile(gaps, 50), p95Ms: percentile(gaps, 95), maxMs: gaps.at(-1) ?? null };
}

function diff(now, before) {
  const d = {};
  for (const k of Object.keys(now)) if (k !== 'at') d[k] = now[k] - before[k];
  d.cpuPercent = (100 * d.cpu) / ((now.at - before.at) / 1000);
  delete d.cpu;
  return d;
}

function print(r) {
  const { linear, github } = r.limits;
  console.log(
    `night: ${r.size.tickets} tickets, ${r.size.slots} slots, compression ${r.size.compression}x (one simulated hour = ${r.size.hourWallSec.toFixed(0)} s wall)`,
  );
  console.log(
    `| hour | done | ended again (follow-ups) | PRs | In Progress peak / slots | Linear points / ${linear.points / 1e6} M | Linear requests / ${linear.requests} | GitHub requests counted / ${github.requestsPerHour} (+ 304s) | content creations / ${github.contentPerHour} | 403/429 | attempts | agent launches | stranded requeues | director CPU (7 services, % of a core) |`,
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  r.hours.forEach((h, i) => {
    const partial =
      h.wallSec < r.size.hourWallSec * 0.95 ? ` (${Math.round((60 * h.wallSec) / r.size.hourWallSec)} min)` : '';
    console.log(
      `| ${i + 1}${partial} | ${h.done} | ${h.again} | ${h.prs} | ${h.ipPeak} / ${r.size.slots} | ${h.points.toLocaleString('en')} | ${h.linearRequests} | ${h.githubCounted} (+${h.githubRequests - h.githubCounted}) | ${h.content} | ${h.refusals} | ${h.attempts} | ${h.launches} | ${h.requeued} | ${h.cpuPercent.toFixed(0)} |`,
    );
  });
  console.log(
    `a slot freeing → the next session starting (while work waits): p50 ${r.refill.p50Ms} ms, p95 ${r.refill.p95Ms} ms, max ${r.refill.maxMs} ms over ${r.refill.samples} session ends`,
  );
  console.log(`totals: ${JSON.stringify(r.totals)}`);
  console.log(`invariants: ${JSON.stringify(r.invariants)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
