#!/usr/bin/env node
// Chaos run: N simulated hosts (separate process groups, distinct names and capabilities) on one
// Redis, tickets mixed across repos (one needs `mobile`), the fake agent with mixed outcomes and
// durations, and a chaos loop that kill -9s a random service every few seconds and restarts it,
// restarts Redis once (AOF on, same port) and takes one host away for good. Prints the invariants
// (each must be 0) and the run's figures; `--json` prints the report as JSON. Exit 1 if one is not 0.
// Needs `npm run build` first.
//   node bench/chaos.js [--tickets 1000] [--hosts 3] [--slots 4] [--kill-every 8] [--timeout 1800] [--json]
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Redis } = require('ioredis');
const { startEmbeddedRedis } = require('@nightshift/service-shell');
const { makeBareRemote } = require('@nightshift/git');
const { LocalBoard } = require('@nightshift/tracker');
const { numberArg } = require('./bench-util');
const { waitFor } = require('@nightshift/testing-fakes');

const ROOT = path.resolve(__dirname, '..');
const FAKE_AGENT = path.join(ROOT, 'tools/fake-claude/fake-claude.js');
const TICKETS = numberArg('tickets', 1000);
const HOSTS = Math.max(2, numberArg('hosts', 3));
const SLOTS = numberArg('slots', 4);
const KILL_EVERY_MS = numberArg('kill-every', 8) * 1000;
const TIMEOUT_MS = numberArg('timeout', 1800) * 1000;
const JSON_OUT = process.argv.includes('--json');
const SWEEP_SEC = 4;
// Each host's zombie-reaper: kills the agents a killed runner left and closes their runs.
const REAPER = { intervalSec: 2, graceSec: 1 };
// Above the session heartbeat (claimLeaseSec / 3 = 5 s), or the sweeper takes live worktrees for orphans.
const ORPHAN_GRACE_SEC = 12;
const REPOS = [
  { name: 'api', capability: 'linux' },
  { name: 'web', capability: 'linux' },
  { name: 'app', capability: 'mobile' },
];
// Directive mix: mostly work, some slow, some task failures (spend attempts), some fail-then-escalate.
const MIX = [
  [55, 'succeed', false],
  [20, 'slow=1500', false],
  [10, 'slow=4000', false],
  [10, 'fail', true],
  [5, 'fail only-model=cheap-model', true],
];

const log = (...a) => JSON_OUT || console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function hostsOf(n) {
  // host 0 is the one taken away; the last host is the only one with `mobile`.
  return Array.from({ length: n }, (_, i) =>
    i === n - 1
      ? { name: `mac-${i}`, capabilities: ['linux', 'mobile'], slots: SLOTS }
      : { name: `linux-${i}`, capabilities: ['linux'], slots: SLOTS },
  );
}

function pickDirective(i) {
  let r = (i * 37) % 100;
  for (const [weight, directive, fails] of MIX) {
    if (r < weight) return { directive, fails };
    r -= weight;
  }
  return { directive: 'succeed', fails: false };
}

class Service {
  constructor(name, host, configFile, env, logDir) {
    Object.assign(this, { name, host, configFile, env, logDir, restarts: 0 });
    this.start();
  }
  start() {
    const tag = `${this.name}${this.host ? `@${this.host}` : ''}`;
    const out = fs.openSync(path.join(this.logDir, `${tag}.log`), 'a');
    // detached: every host's services are their own process groups, as on separate machines.
    this.child = spawn(
      process.execPath,
      [path.join(ROOT, 'apps', this.name, 'dist', 'main.js'), '--config', this.configFile],
      {
        env: {
          ...process.env,
          ...this.env,
          ...(this.host ? { NIGHTSHIFT_HOST: this.host } : {}),
          NIGHTSHIFT_HTTP_PORT: '0',
          NIGHTSHIFT_GRACE_MS: '3000',
          NIGHTSHIFT_HOST_HEARTBEAT_MS: '1000',
        },
        stdio: ['ignore', out, out],
        detached: true,
      },
    );
    fs.closeSync(out);
    this.exited = new Promise((r) => this.child.once('exit', r));
  }
  get alive() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  async kill9() {
    if (!this.alive) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
  async stop() {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    await Promise.race([this.exited, sleep(8000)]);
    await this.kill9();
  }
}

/**
 * Whether the agent a launch line names still runs: its pid alive AND still that agent (the fake's command
 * line, the launch's working directory). A long run spawns far more processes than pid_max (32768 here),
 * so a bare pid check finds unrelated processes that reused the number; killing those would be worse.
 */
function agentAlive(launch) {
  try {
    const cmdline = fs.readFileSync(`/proc/${launch.pid}/cmdline`, 'utf8');
    const cwd = fs.readlinkSync(`/proc/${launch.pid}/cwd`);
    return cmdline.includes('fake-claude') && (cwd === launch.cwd || cwd.startsWith(`${launch.cwd} `));
  } catch {
    return false;
  }
}

function readJsonLines(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

function listWorktrees(root) {
  const dir = path.join(root, 'worktrees');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).flatMap((repo) => fs.readdirSync(path.join(dir, repo)).map((k) => `${repo}/${k}`));
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-chaos-'));
  const logDir = path.join(dir, 'logs');
  fs.mkdirSync(logDir);
  let redis = await startEmbeddedRedis({ dir: path.join(dir, 'redis'), persist: true });
  const redisPort = redis.port;
  for (const r of REPOS)
    await makeBareRemote(path.join(dir, 'remotes', `${r.name}.git`), { 'README.md': `# ${r.name}\n` });
  const hosts = hostsOf(HOSTS);
  const roots = Object.fromEntries(hosts.map((h) => [h.name, path.join(dir, 'hosts', h.name)]));
  const configFile = path.join(dir, 'nightshift.yaml');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      dataDir: 'data',
      tracker: { kind: 'local', scanIntervalSec: 2 },
      forge: { kind: 'local' },
      repos: REPOS.map((r) => ({ name: r.name, remote: `./remotes/${r.name}.git`, capability: r.capability })),
      hosts,
      agent: {
        command: FAKE_AGENT,
        model: 'cheap-model',
        escalationModel: 'strong-model',
        sessionTimeoutMin: 2,
        env: { pass: ['FAKE_CLAUDE_ARGV_LOG', 'FAKE_CLAUDE_DEFAULT'] },
      },
      routing: { retryDelaySec: 1, jobLockSec: 5, stalledCheckSec: 3, claimLeaseSec: 15 },
      worktrees: { sweepIntervalSec: SWEEP_SEC, orphanGraceSec: ORPHAN_GRACE_SEC, fetchIntervalSec: 30 },
      reaper: REAPER,
      logLevel: 'warn',
    }),
  );
  // One config per host, differing only in the worktree root: each host has its own disk.
  const hostConfig = Object.fromEntries(
    hosts.map((h) => {
      const file = path.join(dir, `nightshift.${h.name}.yaml`);
      const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
      fs.writeFileSync(file, JSON.stringify({ ...config, worktrees: { ...config.worktrees, root: roots[h.name] } }));
      return [h.name, file];
    }),
  );
  const argvLog = path.join(dir, 'agent-argv.jsonl');
  const env = { REDIS_URL: redis.url, FAKE_CLAUDE_ARGV_LOG: argvLog };
  const services = [];
  for (const h of hosts)
    for (const name of ['worktree-manager', 'session-runner', 'zombie-reaper'])
      services.push(new Service(name, h.name, hostConfig[h.name], env, logDir));
  for (const name of ['router', 'ticket-scanner']) services.push(new Service(name, null, configFile, env, logDir));
  // Detached services outlive this script unless it takes them down (Ctrl-C, a crash).
  process.on('exit', () => {
    services.forEach((s) => s.alive && s.child.kill('SIGKILL'));
    for (const l of readJsonLines(argvLog))
      if (agentAlive(l))
        try {
          process.kill(-l.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
    if (redis.process.exitCode === null) redis.process.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

  const board = new LocalBoard({ dir: path.join(dir, 'data', 'board') });
  const plan = new Map();
  const started = Date.now();
  for (let i = 0; i < TICKETS; i++) {
    const repo = REPOS[i % REPOS.length];
    const { directive, fails } = pickDirective(i);
    const t = await board.add({ title: `[${repo.name}] chaos ${i}`, description: `fake-agent: ${directive}` });
    plan.set(t.key, { repo: repo.name, mobile: repo.capability === 'mobile', directive, fails });
  }
  log(
    `${TICKETS} tickets on ${HOSTS} hosts (${hosts.map((h) => `${h.name}:${h.capabilities.join('+')}`).join(', ')}), dir ${dir}`,
  );

  const terminal = new Set(['In Review', 'Needs Human']);
  const doneCount = async () => (await board.list()).filter((t) => plan.has(t.key) && terminal.has(t.state)).length;
  const chaos = { kills: 0, redisRestarts: 0, hostGone: null };
  let stopChaos = false;
  const gone = hosts[0].name;
  // A small run may be over before 30 % is seen at a tick: the loss and the restart then come by tick count.
  const SMALL = TICKETS < 300;
  const chaosLoop = (async () => {
    for (let n = 1; !stopChaos; n++) {
      await sleep(KILL_EVERY_MS);
      if (stopChaos) break;
      const done = await doneCount().catch(() => 0);
      if (!chaos.hostGone && (done >= TICKETS * 0.3 || (SMALL && n >= 2))) {
        // The host dies for good: its services and its agents, as if the machine lost power.
        for (const s of services.filter((x) => x.host === gone)) await s.kill9();
        for (const l of readJsonLines(argvLog))
          if (l.cwd?.startsWith(roots[gone]) && agentAlive(l))
            try {
              process.kill(-l.pid, 'SIGKILL');
            } catch {
              process.kill(l.pid, 'SIGKILL');
            }
        chaos.hostGone = { host: gone, atTicketsDone: done };
        log(`host ${gone} taken away for good at ${done} done`);
        continue;
      }
      if (chaos.hostGone && !chaos.redisRestarts && (done >= TICKETS * 0.5 || (SMALL && n >= 4))) {
        await redis.stop();
        await sleep(1000);
        redis = await startEmbeddedRedis({ dir: path.join(dir, 'redis'), persist: true, port: redisPort });
        chaos.redisRestarts++;
        log(`redis restarted (AOF) at ${done} done`);
        continue;
      }
      const victims = services.filter((s) => s.host !== gone);
      const victim = victims[Math.floor(Math.random() * victims.length)];
      await victim.kill9();
      victim.start();
      victim.restarts++;
      chaos.kills++;
      log(`kill -9 ${victim.name}${victim.host ? `@${victim.host}` : ''} (${done}/${TICKETS} done)`);
    }
  })();

  let timedOut = null;
  try {
    // Small runs may finish early: the host loss and the Redis restart still happen before the end.
    await waitFor(
      'every ticket to reach a terminal state',
      async () => (await doneCount()) === TICKETS && chaos.redisRestarts > 0,
      TIMEOUT_MS,
      1000,
    );
  } catch (err) {
    timedOut = err.message;
  }
  const wallSec = (Date.now() - started) / 1000;
  stopChaos = true;
  await chaosLoop;
  // Everything still up: the reapers and sweepers clear what the kills left. Waits until nothing is orphaned,
  // at most two reaper intervals (kill + grace) plus one sweep past the orphan grace; what is left then is a violation.
  const settleMs = (2 * (REAPER.intervalSec + REAPER.graceSec) + SWEEP_SEC + ORPHAN_GRACE_SEC) * 1000;
  const settleStart = Date.now();
  await waitFor(
    'no orphan worktree or agent',
    async () => Object.values(orphans({ hosts, roots, gone, argvLog })).every((l) => l.length === 0),
    settleMs,
    500,
  ).catch(() => undefined);
  const settledSec = +((Date.now() - settleStart) / 1000).toFixed(1);

  const report = await invariants({ dir, redis, board, plan, hosts, roots, gone, argvLog, terminal });
  report.figures = {
    tickets: TICKETS,
    hosts: HOSTS,
    wallSec: Math.round(wallSec),
    ticketsPerSec: +(TICKETS / wallSec).toFixed(2),
    serviceKills: chaos.kills,
    redisRestarts: chaos.redisRestarts,
    hostGone: chaos.hostGone,
    agentLaunches: readJsonLines(argvLog).filter((l) => l.argv[0] !== 'auth').length,
    settledSec,
    timedOut,
  };
  await Promise.all(services.map((s) => s.stop()));
  await redis.stop();
  if (JSON_OUT) console.log(JSON.stringify(report));
  else {
    console.log('\nInvariants (each must be 0):');
    for (const [k, v] of Object.entries(report.violations))
      console.log(`  ${k.padEnd(44)} ${v.length}${v.length ? `  e.g. ${JSON.stringify(v.slice(0, 3))}` : ''}`);
    console.log('Notes:', JSON.stringify(report.notes));
    console.log('Figures:', JSON.stringify(report.figures));
  }
  const bad = Object.values(report.violations).some((v) => v.length > 0) || timedOut;
  if (!bad && !process.env.NIGHTSHIFT_KEEP_CHAOS) fs.rmSync(dir, { recursive: true, force: true });
  process.exit(bad ? 1 : 0);
}

async function invariants({ redis, board, plan, hosts, roots, gone, argvLog, terminal }) {
  const client = new Redis(redis.url);
  const entries = await client.xrange('nightshift:events', '-', '+');
  const events = entries.map(([, f]) => JSON.parse(f[1]));
  const runs = (await client.hvals('nightshift:runs')).map((r) => JSON.parse(r));
  const attempts = {};
  for (const key of plan.keys()) attempts[key] = Number((await client.get(`nightshift:attempts:${key}`)) ?? 0);
  const forgeFile = path.join(path.dirname(argvLog), 'data', 'forge', 'pull-requests.json');
  const prs = fs.existsSync(forgeFile) ? JSON.parse(fs.readFileSync(forgeFile, 'utf8')) : [];
  client.disconnect();
  const prList = Array.isArray(prs) ? prs : (prs.pullRequests ?? Object.values(prs));
  const tickets = await board.list();
  const mobileHosts = new Set(hosts.filter((h) => h.capabilities.includes('mobile')).map((h) => h.name));
  const v = {
    ticketNotExactlyOneTerminalOutcome: [],
    ticketWithMoreThanOneOpenPr: [],
    mobileTicketRanOnNonMobileHost: [],
    orphanWorktreeOnLiveHost: [],
    orphanAgentProcess: [],
    attemptSpentWithoutTaskFailure: [],
    ticketMissingFromEventStream: [],
  };
  for (const t of tickets.filter((x) => plan.has(x.key))) {
    const p = plan.get(t.key);
    const mine = events.filter((e) => e.ticket === t.key);
    // Exactly one move into a terminal state, and it is where the ticket is: a second In Review counts too.
    const terminalMoves = mine
      .filter((e) => e.type === 'ticket.moved' && terminal.has(e.detail?.to))
      .map((e) => e.detail.to);
    const terminalStates = new Set(terminalMoves);
    if (!terminal.has(t.state) || terminalMoves.length !== 1 || terminalMoves[0] !== t.state)
      v.ticketNotExactlyOneTerminalOutcome.push({ ticket: t.key, state: t.state, terminalMoves });
    const open = prList.filter((pr) => pr.state === 'open' && pr.head === `agent/${t.key}`);
    if (open.length > 1) v.ticketWithMoreThanOneOpenPr.push({ ticket: t.key, open: open.length });
    if (p.mobile)
      for (const r of runs.filter((r) => r.tickets?.includes(t.key)))
        if (!mobileHosts.has(r.host)) v.mobileTicketRanOnNonMobileHost.push({ ticket: t.key, host: r.host });
    if (!p.fails && attempts[t.key] > 0)
      v.attemptSpentWithoutTaskFailure.push({ ticket: t.key, attempts: attempts[t.key], directive: p.directive });
    if (!mine.some((e) => e.type === 'ticket.claimed') || terminalStates.size === 0)
      v.ticketMissingFromEventStream.push({ ticket: t.key, events: mine.map((e) => e.type) });
  }
  Object.assign(v, orphans({ hosts, roots, gone, argvLog }));
  const launches = readJsonLines(argvLog).filter((l) => l.argv[0] !== 'auth');
  // Attempts from the run records too: an attempt-spending outcome on a ticket whose agent never fails.
  for (const r of runs) {
    const p = r.tickets?.length === 1 ? plan.get(r.tickets[0]) : undefined;
    if (p && !p.fails && ['task_failed', 'timeout', 'stalled', 'no_changes'].includes(r.outcome))
      v.attemptSpentWithoutTaskFailure.push({
        run: r.runId,
        execution: r.execution,
        outcome: r.outcome,
        reason: String(r.reason).slice(0, 120),
      });
  }
  // Launches (cwd) on non-mobile hosts for mobile repos: a second view of routing, from the agent's side.
  for (const l of launches) {
    const host = hosts.find((h) => l.cwd?.startsWith(roots[h.name] + path.sep));
    if (host && !mobileHosts.has(host.name) && l.cwd.includes(`${path.sep}app${path.sep}`))
      v.mobileTicketRanOnNonMobileHost.push({ launchCwd: l.cwd, host: host.name });
  }
  const reaped = countBy(events.filter((e) => e.type === 'session.reaped').map((e) => e.detail?.reason));
  const superseded = events.filter((e) => e.type === 'session.superseded').length;
  const notes = {
    reaped,
    superseded,
    runOutcomes: countBy(runs.map((r) => r.outcome)),
    worktreesLeftOnGoneHost: listWorktrees(roots[gone]).length,
    outcomes: countBy(tickets.filter((x) => plan.has(x.key)).map((t) => t.state)),
    openPrs: prList.filter((pr) => pr.state === 'open').length,
  };
  return { violations: v, notes };
}

/** Worktrees on live hosts and agent processes still there: none may be left once the reapers and sweepers had their turn. */
function orphans({ hosts, roots, gone, argvLog }) {
  const out = { orphanWorktreeOnLiveHost: [], orphanAgentProcess: [] };
  for (const h of hosts.filter((x) => x.name !== gone))
    for (const wt of listWorktrees(roots[h.name])) out.orphanWorktreeOnLiveHost.push({ host: h.name, worktree: wt });
  for (const l of readJsonLines(argvLog))
    if (l.argv[0] !== 'auth' && agentAlive(l)) out.orphanAgentProcess.push({ pid: l.pid, cwd: l.cwd });
  return out;
}

function countBy(list) {
  const out = {};
  for (const x of list) out[x] = (out[x] ?? 0) + 1;
  return out;
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
