#!/usr/bin/env node
// How fast a session gets a ready worktree. On a generated repo (10,000 files by default) with a bare remote,
// prints the median time of WorktreeStore.createWorktree against raw `git worktree add` on the same mirror
// (target ≤ 1.5×) and against a fresh `git clone --no-local` of the remote (target ≥ 4× faster), then the
// wall time of 50 concurrent creates on one repo. Uses the built libs: run `npx tsc -b tsconfig.build.json` first.
//   node bench/worktree-bench.js [--files 10000] [--samples 9] [--concurrent 50]
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { WorktreeStore } = require('@nightshift/git');
const { numberArg } = require('./bench-util');

const FILES = numberArg('files', 10_000);
const SAMPLES = numberArg('samples', 9);
const CONCURRENT = numberArg('concurrent', 50);

function git(args, cwd) {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      (err, stdout, stderr) =>
        err ? reject(new Error(`git ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    );
  });
}

async function timed(fn) {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const ms = (x) => `${x.toFixed(0)} ms`;

/** A repo of FILES small source files in 100 folders, one commit, pushed to a bare remote. */
async function makeRemote(dir) {
  const src = path.join(dir, 'src-repo');
  const perDir = Math.ceil(FILES / 100);
  for (let i = 0; i < FILES; i++) {
    const folder = path.join(src, `pkg-${String(Math.floor(i / perDir)).padStart(3, '0')}`);
    if (i % perDir === 0) fs.mkdirSync(folder, { recursive: true });
    const body = `// file ${i}\nexport const value${i} = ${i};\n${'// filler line for a realistic size\n'.repeat(4 + (i % 8))}`;
    fs.writeFileSync(path.join(folder, `module-${i}.ts`), body);
  }
  await git(['init', '--quiet', '--initial-branch=main'], src);
  await git(['add', '-A'], src);
  await git(
    [
      '-c',
      'user.name=bench',
      '-c',
      'user.email=bench@localhost',
      'commit',
      '--quiet',
      '--no-verify',
      '-m',
      'generated',
    ],
    src,
  );
  const remote = path.join(dir, 'remote.git');
  await git(['clone', '--quiet', '--bare', '--no-local', src, remote], dir);
  fs.rmSync(src, { recursive: true, force: true });
  return remote;
}

async function main() {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ns-wt-bench-')));
  try {
    process.stdout.write(`generating a repo of ${FILES} files...\n`);
    const remote = await makeRemote(dir);
    const store = new WorktreeStore({ root: path.join(dir, 'root'), fetchIntervalMs: 3_600_000 });
    const mirror = await store.ensureMirror({ name: 'bench', remoteUrl: remote });
    const input = (key) => ({
      repo: 'bench',
      remoteUrl: remote,
      baseBranch: 'main',
      branch: `agent/${key}`,
      worktreeKey: key,
    });
    const rawDir = path.join(dir, 'raw');
    fs.mkdirSync(rawDir);

    const viaStore = [];
    const viaRaw = [];
    const viaRawParallel = [];
    const viaClone = [];
    const viaCloneNoCheckout = [];
    const raw = async (i, extra) => {
      const target = path.join(rawDir, `R-${i}`);
      const t = await timed(() =>
        git(
          [
            ...extra,
            'worktree',
            'add',
            '--quiet',
            '--no-track',
            '-B',
            `raw/R-${i}`,
            target,
            'refs/remotes/origin/main',
          ],
          mirror,
        ),
      );
      await git(['worktree', 'remove', '--force', target], mirror);
      await git(['branch', '-D', `raw/R-${i}`], mirror);
      return t;
    };
    const clone = async (i, extra) => {
      const cloneDir = path.join(dir, `clone-${i}`);
      const t = await timed(() => git(['clone', '--quiet', ...extra, '--no-local', remote, cloneDir], dir));
      fs.rmSync(cloneDir, { recursive: true, force: true });
      return t;
    };
    // Interleaved so disk cache and background noise hit all three alike; sample 0 is a discarded warm-up.
    for (let i = 0; i <= SAMPLES; i++) {
      const s = await timed(() => store.createWorktree(input(`S-${i}`)));
      await store.removeWorktree({ repo: 'bench', worktreeKey: `S-${i}` });
      const r = await raw(i, []);
      const rp = await raw(i, ['-c', 'checkout.workers=0']);
      const c = await clone(i, []);
      const cn = await clone(i, ['--no-checkout']);
      if (i > 0) {
        viaStore.push(s);
        viaRaw.push(r);
        viaRawParallel.push(rp);
        viaClone.push(c);
        viaCloneNoCheckout.push(cn);
      }
    }

    const keys = Array.from({ length: CONCURRENT }, (_, i) => `C-${i}`);
    const concurrent = await timed(() => Promise.all(keys.map((k) => store.createWorktree(input(k)))));
    const ok = keys.every((k) => fs.existsSync(path.join(store.worktreePath('bench', k), 'pkg-000', 'module-0.ts')));
    for (const k of keys) await store.removeWorktree({ repo: 'bench', worktreeKey: k });

    const s = median(viaStore);
    const r = median(viaRaw);
    const c = median(viaClone);
    const rp = median(viaRawParallel);
    const cn = median(viaCloneNoCheckout);
    const lines = [
      '',
      `worktree bench: ${FILES} files, ${SAMPLES} samples each (medians), git ${(await git(['--version'], dir)).trim().replace('git version ', '')}, ${os.cpus().length} CPUs, node ${process.version}`,
      `  WorktreeStore.createWorktree       ${ms(s)}`,
      `  raw git worktree add (same mirror) ${ms(r)}   store/raw = ${(s / r).toFixed(2)}x (target <= 1.5x) ${s / r <= 1.5 ? 'OK' : 'MISSED'}`,
      `    (raw with checkout.workers=0      ${ms(rp)}   store/raw-parallel = ${(s / rp).toFixed(2)}x: the store adds only its bookkeeping)`,
      `  fresh git clone --no-local         ${ms(c)}   clone/store = ${(c / s).toFixed(1)}x faster (target >= 4x) ${c / s >= 4 ? 'OK' : 'MISSED'}`,
      `    (clone --no-checkout              ${ms(cn)}   what the clone costs besides writing the files)`,
      `  ${CONCURRENT} concurrent creates, one repo   ${(concurrent / 1000).toFixed(2)} s wall (${ms(concurrent / CONCURRENT)} per worktree)${ok ? '' : '  SOME FAILED'}`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
    if (!ok) process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
