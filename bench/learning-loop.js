#!/usr/bin/env node
// The learning loop, measured, un-rigged: six tickets of one repo meet the same scripted pitfall (the
// fake agent's `pitfall=stale-lockfile`: its failure says package.json and package-lock.json are not in
// sync; it gets past only with the fix command in its prompt, which only a successful run's final
// message states). The first ticket works the fix out on its third launch (`discover=3`); the next ones
// describe the failure in their own words. Run twice on every real service process: with memory
// (embedded store, the default lexical BM25 embedder) and without. Prints the share of the later tickets
// that succeeded on their first attempt in each run. Needs `npm run build`.
//   node bench/learning-loop.js [--tickets 6]
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Redis } = require('ioredis');
const { startEmbeddedRedis } = require('@nightshift/service-shell');
const { makeBareRemote } = require('@nightshift/git');
const { LocalBoard } = require('@nightshift/tracker');
const { RunStore } = require('@nightshift/state');
const { numberArg } = require('./bench-util');
const { waitFor } = require('@nightshift/testing-fakes');

const ROOT = path.resolve(__dirname, '..');
const TICKETS = numberArg('tickets', 6);
const LATER = [
  [
    'Bump the date library',
    'After bumping dayjs, the dependency install on CI aborts: the lock file and the manifest disagree.',
  ],
  ['Upgrade axios', 'CI cannot install packages after the axios version bump: the lock is out of date.'],
  ['Bump uuid', 'The uuid upgrade leaves npm unable to install on the build machine; lock and package list differ.'],
  [
    'Move to the new zod',
    'After the zod release bump the install step on CI stops: the lock file is behind the package manifest.',
  ],
  ['Raise pino', 'Installing dependencies breaks after raising the pino version; the lock no longer matches.'],
];

async function run(memoryEnabled) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-bench-loop-'));
  await makeBareRemote(path.join(dir, 'remotes', 'api.git'), { 'README.md': '# api\n' });
  const configFile = path.join(dir, 'nightshift.yaml');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      dataDir: 'data',
      tracker: { kind: 'local', scanIntervalSec: 2 },
      repos: [{ name: 'api', remote: './remotes/api.git' }],
      hosts: [{ name: 'h', capabilities: ['linux'], slots: 4 }],
      agent: {
        command: path.join(ROOT, 'tools/fake-claude/fake-claude.js'),
        model: 'cheap',
        fastFailSec: 0,
        authCheck: { enabled: false },
        env: { set: { FAKE_CLAUDE_ARGV_LOG: path.join(dir, 'fake-claude-argv.log') } },
      },
      routing: { maxAttempts: 3, retryDelaySec: 1 },
      memory: { enabled: memoryEnabled, recallTimeoutMs: 5000 },
    }),
  );
  const server = await startEmbeddedRedis({ dir: path.join(dir, 'redis'), persist: false });
  const redis = new Redis(server.url);
  const services = [
    'worktree-manager',
    'session-runner',
    'router',
    'ticket-scanner',
    ...(memoryEnabled ? ['memory-consolidator'] : []),
  ];
  const children = services.map((name) =>
    spawn(process.execPath, [path.join(ROOT, 'apps', name, 'dist', 'main.js'), '--config', configFile], {
      env: { ...process.env, REDIS_URL: server.url, NIGHTSHIFT_HTTP_PORT: '0', NIGHTSHIFT_GRACE_MS: '3000' },
      stdio: 'ignore',
    }),
  );
  try {
    const board = new LocalBoard({ dir: path.join(dir, 'data', 'board') });
    const runs = new RunStore(redis);
    const firstRun = (key) =>
      waitFor(
        `first run of ${key}`,
        async () => (await runs.list()).find((r) => r.tickets.includes(key) && r.attempt === 1 && r.outcome),
        180_000,
        200,
      );
    const first = await board.add({
      title: '[api] Upgrade lodash to 4.17.21',
      description: 'fake-agent: pitfall=stale-lockfile discover=3',
    });
    await firstRun(first.key);
    // The later tickets arrive once the first one is done (its lesson recorded, when memory is on).
    await waitFor(
      'the first ticket settled',
      async () => ['In Review', 'Needs Human'].includes((await board.getTicket(first.key)).state),
      180_000,
      200,
    );
    const firstOutcomes = (await runs.list())
      .filter((r) => r.tickets.includes(first.key))
      .sort((a, b) => a.attempt - b.attempt)
      .map((r) => r.outcome);
    const later = [];
    for (let i = 1; i < TICKETS; i++) {
      const [title, description] = LATER[(i - 1) % LATER.length];
      later.push(
        await board.add({ title: `[api] ${title}`, description: `${description}\nfake-agent: pitfall=stale-lockfile` }),
      );
    }
    const outcomes = [];
    for (const t of later) outcomes.push((await firstRun(t.key)).outcome);
    return { firstOutcomes, laterOk: outcomes.filter((o) => o === 'success').length, later: outcomes.length };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))));
    redis.disconnect();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  for (const enabled of [true, false]) {
    const r = await run(enabled);
    const rate = (100 * r.laterOk) / r.later;
    console.log(
      `memory ${enabled ? 'on ' : 'off'}: first ticket's attempts ${r.firstOutcomes.join(', ')}; the next ${r.later} tickets: ${r.laterOk}/${r.later} succeeded on their first attempt (${rate.toFixed(0)} %)`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
