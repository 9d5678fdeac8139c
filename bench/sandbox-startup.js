#!/usr/bin/env node
// Session start-up overhead of `agent.sandbox: podman`: from the launch to the agent's first stream event,
// in a Podman container (network, proxy pass, `podman run --rm --init`) beside a plain spawn of the same
// fake agent, interleaved so machine load hits both alike. Also the container's removal after the session.
// Needs `npm run build` and the image deploy/podman-setup.sh builds (rootful Podman).
//   node bench/sandbox-startup.js [--runs 7]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ClaudeCodeAdapter, PodmanSandbox } = require('@nightshift/agent');
const { numberArg, percentile } = require('./bench-util');

const RUNS = numberArg('runs', 7);
const FAKE = path.join(__dirname, '../tools/fake-claude/fake-claude.js');
const IMAGE = process.env.BENCH_SANDBOX_IMAGE ?? 'localhost/nightshift-sandbox:local';
const NETWORK = `nightshift-bench-${process.pid}`;

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-sandbox-bench-'));
  const adapter = new ClaudeCodeAdapter({ command: FAKE, killGraceMs: 1000 });
  const sandbox = new PodmanSandbox({
    podman: 'podman',
    network: NETWORK,
    host: `bench-${process.pid}`,
    vendorEgress: [],
    onDenied: () => undefined,
  });
  const times = { plain: [], sandboxed: [], removal: [] };
  try {
    for (let i = 0; i < RUNS + 1; i++) {
      for (const mode of ['plain', 'sandboxed']) {
        const cwd = path.join(root, `${mode}-${i}`);
        fs.mkdirSync(cwd);
        const started = Date.now();
        let first = 0;
        const box =
          mode === 'sandboxed'
            ? await sandbox.open({
                repo: 'bench',
                sessionEnvValue: `BENCH-${i}.1#${process.pid}`,
                worktree: cwd,
                image: IMAGE,
                cpus: 1,
                memory: '1g',
                readOnlyRoot: true,
                egress: [],
                credentialDir: path.join(root, 'claude'),
                agentCommand: FAKE,
              })
            : undefined;
        const run = await adapter.run({
          runId: `bench-${i}`,
          cwd,
          prompt: 'Ticket: BENCH-1\nfake-agent: no-diff',
          model: 'sonnet',
          maxTurns: 1,
          permissionMode: 'acceptEdits',
          timeoutMs: 60_000,
          logPath: path.join(root, 'logs', `${mode}-${i}.log`),
          env: { NIGHTSHIFT_SESSION: `BENCH-${i}.1#${process.pid}` },
          ...(box ? { sandbox: box.layer } : {}),
          onEvent: () => (first ||= Date.now()),
        });
        if (run.exitCode !== 0) throw new Error(`${mode} run failed: ${run.spawnError ?? run.tail}`);
        const closing = Date.now();
        await box?.close();
        // The first round warms the network, the proxy and the page cache: not counted.
        if (i === 0) continue;
        times[mode].push(first - started);
        if (box) times.removal.push(Date.now() - closing);
      }
    }
  } finally {
    await sandbox.close();
    require('node:child_process').spawnSync('podman', ['network', 'rm', '-f', NETWORK]);
    fs.rmSync(root, { recursive: true, force: true });
  }
  const median = (xs) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      50,
    );
  const row = (name, xs) =>
    `${name.padEnd(44)} median ${String(median(xs)).padStart(5)} ms   max ${String(Math.max(...xs)).padStart(5)} ms`;
  process.stdout.write(
    [
      `session start-up, launch to first agent event (${RUNS} runs each, interleaved; load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores):`,
      row('plain spawn', times.plain),
      row('podman sandbox (container start included)', times.sandboxed),
      `overhead of the sandbox: ${median(times.sandboxed) - median(times.plain)} ms (median)`,
      row('container removal after the session (rm -f)', times.removal),
      '',
    ].join('\n'),
  );
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
