#!/usr/bin/env node
// The floor of a no-op ticket, done by hand: worktree add, commit, push, worktree remove, per ticket, in one
// mirror of `remote` (and, with an agent, that agent run in the worktree on the ticket's prompt before the
// commit, as the director runs it). Prints JSON {tickets, cpuSec, agentCpuSec, wallSec}: this process's CPU
// plus its reaped children (Linux /proc), agentCpuSec the agent runs' share, so the caller can set the
// director's CPU per ticket beside the same work done by hand.
//   node bench/git-floor.js <bare remote> <work dir> <tickets> [<agent command>]
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const [remote, work, count, agent] = process.argv.slice(2);
const tickets = Number(count);
if (!remote || !work || !(tickets > 0)) {
  console.error('usage: node bench/git-floor.js <bare remote> <work dir> <tickets> [<agent command>]');
  process.exit(2);
}
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'floor',
  GIT_AUTHOR_EMAIL: 'floor@localhost',
  GIT_COMMITTER_NAME: 'floor',
  GIT_COMMITTER_EMAIL: 'floor@localhost',
};
const git = (cwd, ...args) => execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env });

function cpuSec() {
  const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
}

function childrenCpuSec() {
  const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

fs.mkdirSync(work, { recursive: true });
const mirror = path.join(work, 'mirror.git');
git(work, 'clone', '--quiet', '--bare', remote, mirror);
const base = git(mirror, 'rev-parse', 'HEAD').toString().trim();
const cpu0 = cpuSec();
const t0 = Date.now();
let agentCpuSec = 0;
for (let i = 0; i < tickets; i++) {
  const branch = `${path.basename(work)}/T-${i}`; // one run per work dir: a second run must not meet the first one's branches
  const wt = path.join(work, 'wt', `T-${i}`);
  git(mirror, 'worktree', 'add', '--quiet', '-b', branch, wt, base);
  if (agent) {
    const before = childrenCpuSec();
    execFileSync(agent, ['-p', '--model', 'floor-model', '--output-format', 'stream-json', '--verbose'], {
      cwd: wt,
      input: `Ticket: T-${i}\n`,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    agentCpuSec += childrenCpuSec() - before;
  } else {
    fs.writeFileSync(path.join(wt, `T-${i}.md`), `floor ${i}\n`);
  }
  git(wt, 'add', '-A');
  git(wt, 'commit', '--quiet', '-m', `T-${i}`);
  git(wt, 'push', '--quiet', remote, `${branch}:refs/heads/${branch}`);
  git(mirror, 'worktree', 'remove', '--force', wt);
}
console.log(JSON.stringify({ tickets, cpuSec: cpuSec() - cpu0, agentCpuSec, wallSec: (Date.now() - t0) / 1000 }));
