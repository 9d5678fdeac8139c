#!/usr/bin/env node
// 200 concurrent chatty sessions on one host: every real service process, the fake agent printing one
// stream-json line a second (`fake-agent: chatty=<s>`). Once every session's agent runs, the services' own CPU
// over a steady window, as % of one core, and their RSS. Beside it, the floor measured in the same run: the
// same number of the same agents spawned by one bare Node process that only reads their stdout line by line
// (the least any director must do), its CPU and RSS; and the agents' own CPU for scale. Needs `npm run build`.
//   node bench/chatty-sessions.js [--sessions 200] [--window 30] [--settle 30]   (BENCH_CPU_PROF=<dir>: services' CPU profiles)
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { Redis } = require('ioredis');
const { startEmbeddedRedis } = require('@nightshift/service-shell');
const { makeBareRemote } = require('@nightshift/git');
const { LocalBoard } = require('@nightshift/tracker');
const { numberArg, SERVICES, writeProfileWindow } = require('./bench-util');
const { waitFor } = require('@nightshift/testing-fakes');

const ROOT = path.resolve(__dirname, '..');
const FAKE_AGENT = path.join(ROOT, 'tools/fake-claude/fake-claude.js');
const SESSIONS = numberArg('sessions', 200);
const WINDOW_SEC = numberArg('window', 30);
// After the last session started: the start-up burst (200 agents' Node start, worktrees, first samples) is not steady state.
const SETTLE_SEC = numberArg('settle', 30);
// Long enough for every session to start on a loaded machine, then the window; the agents are killed after it.
const CHATTY_SEC = 900;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

/** utime+stime of one process (not its children), in seconds. */
function ownCpu(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU of `pids` over the window, as % of one core, and the agents' CPU beside it. */
async function measureWindow(pids, agentPids, names) {
  const before = pids.map(ownCpu);
  const agentsBefore = agentPids.map(ownCpu);
  const t0 = Date.now();
  const startUs = Number(process.hrtime.bigint() / 1000n);
  await sleep(WINDOW_SEC * 1000);
  const sec = (Date.now() - t0) / 1000;
  // The profiles' clock is the monotonic one, so bench/cpu-profile-top.js can keep only this window's samples.
  if (names) writeProfileWindow(startUs, Object.fromEntries(pids.map((p, i) => [p, names[i]])));
  const used = pids.map((p, i) => ownCpu(p) - before[i]);
  const agents = agentPids.reduce((sum, p, i) => sum + ownCpu(p) - agentsBefore[i], 0);
  return {
    percent: (100 * used.reduce((a, b) => a + b, 0)) / sec,
    each: used.map((u) => (100 * u) / sec),
    agentsPercent: (100 * agents) / sec,
    rssMb: pids.map(rssMb),
  };
}

function killGroups(pids) {
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

async function directorRun(dir) {
  const redis = await startEmbeddedRedis({ dir: path.join(dir, 'redis'), persist: false });
  await makeBareRemote(path.join(dir, 'remotes', 'chatty.git'), { 'README.md': '# chatty\n' });
  const configFile = path.join(dir, 'nightshift.yaml');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      dataDir: 'data',
      tracker: { kind: 'local', scanIntervalSec: 5 },
      repos: [{ name: 'chatty', remote: './remotes/chatty.git' }],
      hosts: [{ name: 'chatty-host', capabilities: ['linux'], slots: SESSIONS }],
      agent: {
        command: FAKE_AGENT,
        model: 'cheap-model',
        sessionTimeoutMin: 60,
        env: { pass: ['FAKE_CLAUDE_ARGV_LOG', 'FAKE_CLAUDE_DEFAULT'] },
      },
      logLevel: 'warn',
    }),
  );
  const argvLog = path.join(dir, 'argv.jsonl');
  const logDir = path.join(dir, 'logs');
  fs.mkdirSync(logDir);
  // BENCH_CPU_PROF=<dir>: each service writes a V8 CPU profile there (services are stopped with SIGTERM then).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const children = SERVICES.map((name) =>
    spawn(process.execPath, [...prof, path.join(ROOT, 'apps', name, 'dist', 'main.js'), '--config', configFile], {
      env: {
        ...process.env,
        REDIS_URL: redis.url,
        FAKE_CLAUDE_ARGV_LOG: argvLog,
        NIGHTSHIFT_HTTP_PORT: '0',
        NIGHTSHIFT_GRACE_MS: '2000',
      },
      stdio: [
        'ignore',
        fs.openSync(path.join(logDir, `${name}.log`), 'a'),
        fs.openSync(path.join(logDir, `${name}.log`), 'a'),
      ],
    }),
  );
  const agentPids = () =>
    fs.existsSync(argvLog)
      ? fs
          .readFileSync(argvLog, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
          .filter((l) => l.argv[0] !== 'auth')
          .map((l) => l.pid)
      : [];
  try {
    const board = new LocalBoard({ dir: path.join(dir, 'data', 'board') });
    for (let i = 0; i < SESSIONS; i++)
      await board.add({ title: `[chatty] chatty ${i}`, description: `fake-agent: chatty=${CHATTY_SEC}` });
    const client = new Redis(redis.url);
    await waitFor(
      `${SESSIONS} live sessions with their agents`,
      async () => (await client.hlen('nightshift:sessions')) === SESSIONS && agentPids().length >= SESSIONS,
      15 * 60_000,
      1000,
    );
    client.disconnect();
    log(`${SESSIONS} sessions live; measuring ${WINDOW_SEC} s`);
    await sleep(SETTLE_SEC * 1000);
    return await measureWindow(
      children.map((c) => c.pid),
      agentPids(),
      SERVICES,
    );
  } finally {
    if (prof.length) {
      for (const c of children) c.kill('SIGTERM');
      await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)))));
    }
    for (const c of children) c.kill('SIGKILL');
    killGroups(agentPids());
    await redis.stop();
  }
}

/** The floor: one bare Node process spawns the same agents and reads their stdout line by line, nothing else. */
async function floorRun(dir) {
  const script = `
    const { spawn } = require('node:child_process');
    const readline = require('node:readline');
    let lines = 0;
    for (let i = 0; i < ${SESSIONS}; i++) {
      const cwd = require('node:fs').mkdtempSync(require('node:path').join(${JSON.stringify(dir)}, 'a-'));
      const c = spawn(process.execPath, [${JSON.stringify(FAKE_AGENT)}, '-p', '--model', 'cheap-model', '--output-format', 'stream-json', '--verbose'], { cwd, detached: true, stdio: ['pipe', 'pipe', 'ignore'] });
      c.stdin.end('Ticket: F-' + i + '\\nfake-agent: chatty=${CHATTY_SEC}\\n');
      readline.createInterface({ input: c.stdout }).on('line', () => lines++);
      process.stdout.write(c.pid + '\\n');
    }
    setInterval(() => process.stderr.write(lines + '\\n'), 1000);
  `;
  const reader = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const pids = [];
  readline.createInterface({ input: reader.stdout }).on('line', (l) => pids.push(Number(l)));
  let lines = 0;
  readline.createInterface({ input: reader.stderr }).on('line', (l) => (lines = Number(l) || lines));
  try {
    // Every agent has printed its first chatty line once lines >= SESSIONS * 2 (init + one).
    await waitFor(
      'every floor agent streaming',
      async () => pids.length === SESSIONS && lines >= SESSIONS * 2,
      15 * 60_000,
      500,
    );
    await sleep(SETTLE_SEC * 1000);
    return await measureWindow([reader.pid], pids);
  } finally {
    reader.kill('SIGKILL');
    killGroups(pids);
  }
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-chatty-'));
  try {
    const director = await directorRun(dir);
    const floor = await floorRun(dir);
    console.log(
      `chatty sessions: ${SESSIONS} concurrent on one host, each agent printing a stream-json line every second; window ${WINDOW_SEC} s, ${SETTLE_SEC} s after the last one started`,
    );
    console.log(
      `director CPU: ${director.percent.toFixed(1)} % of one core (${SERVICES.map((s, i) => `${s} ${director.each[i].toFixed(1)}`).join(', ')})`,
    );
    console.log(
      `director RSS: ${director.rssMb.reduce((a, b) => a + b, 0).toFixed(0)} MB (${SERVICES.map((s, i) => `${s} ${director.rssMb[i].toFixed(0)}`).join(', ')})`,
    );
    console.log(
      `floor, same run: one bare Node process reading the same ${SESSIONS} agents' stdout: ${floor.percent.toFixed(1)} % of one core, RSS ${floor.rssMb[0].toFixed(0)} MB`,
    );
    console.log(`ratio director/floor CPU: ${(director.percent / Math.max(floor.percent, 0.01)).toFixed(1)}x`);
    console.log(
      `for scale, the ${SESSIONS} agents themselves: ${director.agentsPercent.toFixed(1)} % of one core (director run), ${floor.agentsPercent.toFixed(1)} % (floor run)`,
    );
    console.log(
      `load: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (1/5/15 min) on ${os.cpus().length} cores`,
    );
  } finally {
    if (!process.env.NIGHTSHIFT_KEEP_BENCH) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
