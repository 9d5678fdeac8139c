#!/usr/bin/env node
// Prints the median wall time of `nightshift --help`, `board add` and `status` (and a few more) beside a
// bare `node -e 0` measured in the same run, interleaved so machine load hits every command alike.
// Needs `npm run build`.
//   node bench/cli-startup.js [--runs 15]
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startEmbeddedRedis } = require('@nightshift/service-shell');
const { numberArg, percentile } = require('./bench-util');

const RUNS = numberArg('runs', 15);
const CLI = path.join(__dirname, '../apps/cli/dist/main.js');

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-cli-bench-'));
  const config = path.join(dir, 'nightshift.yaml');
  fs.writeFileSync(config, 'repos:\n  - name: api\n    remote: ./remotes/api.git\n');
  const redis = await startEmbeddedRedis({ dir: path.join(dir, 'redis'), persist: false });
  const env = { ...process.env, REDIS_URL: redis.url };
  const cli = (...args) => [CLI, '--config', config, ...args];
  const commands = {
    'node -e 0 (floor)': ['-e', '0'],
    'nightshift --help': cli('--help'),
    'nightshift board add': cli('board', 'add', '--title', '[api] bench'),
    'nightshift board list': cli('board', 'list'),
    'nightshift status': cli('status'),
    'nightshift runs': cli('runs'),
  };
  const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  try {
    for (let i = 0; i < RUNS + 1; i++) {
      for (const [name, args] of Object.entries(commands)) {
        const started = process.hrtime.bigint();
        execFileSync(process.execPath, args, { env, stdio: 'ignore' });
        if (i > 0) times[name].push(Number(process.hrtime.bigint() - started) / 1e6); // the first round warms the disk cache
      }
    }
  } finally {
    await redis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const median = (name) =>
    percentile(
      [...times[name]].sort((a, b) => a - b),
      50,
    );
  const floor = median('node -e 0 (floor)');
  console.log(`CLI start-up, median of ${RUNS} runs each (target: --help, board add, status within 2.5x of the floor)`);
  for (const name of Object.keys(commands))
    console.log(
      `  ${name.padEnd(24)} ${median(name).toFixed(0).padStart(6)} ms  ${(median(name) / floor).toFixed(2)}x`,
    );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
