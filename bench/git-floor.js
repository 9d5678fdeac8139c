#!/usr/bin/env node
// The raw git floor of a no-op ticket, done by hand: worktree add, commit, push, worktree remove, per
// ticket, in one mirror of `remote`. Prints JSON {tickets, cpuSec, wallSec}: this process's CPU plus
// its reaped git children (Linux /proc), so the caller can set it beside the director's CPU per ticket.
//   node bench/git-floor.js <bare remote> <work dir> <tickets>
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const [remote, work, count] = process.argv.slice(2);
const tickets = Number(count);
if (!remote || !work || !(tickets > 0)) {
  console.error('usage: node bench/git-floor.js <bare remote> <work dir> <tickets>');
  process.exit(2);
}
const git = (cwd, ...args) => execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_AUTHOR_NAME: 'floor', GIT_AUTHOR_EMAIL: 'floor@localhost', GIT_COMMITTER_NAME: 'floor', GIT_COMMITTER_EMAIL: 'floor@localhost' } });

function cpuSec() {
  const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
}

fs.mkdirSync(work, { recursive: true });
const mirror = path.join(work, 'mirror.git');
git(work, 'clone', '--quiet', '--bare', remote, mirror);
const base = git(mirror, 'rev-parse', 'HEAD').toString().trim();
const cpu0 = cpuSec();
const t0 = Date.now();
for (let i = 0; i < tickets; i++) {
  const branch = `floor/T-${i}`;
  const wt = path.join(work, 'wt', `T-${i}`);
  git(mirror, 'worktree', 'add', '--quiet', '-b', branch, wt, base);
  fs.writeFileSync(path.join(wt, `T-${i}.md`), `floor ${i}\n`);
  git(wt, 'add', '-A');
  git(wt, 'commit', '--quiet', '-m', `T-${i}`);
  git(wt, 'push', '--quiet', remote, `${branch}:refs/heads/${branch}`);
  git(mirror, 'worktree', 'remove', '--force', wt);
}
console.log(JSON.stringify({ tickets, cpuSec: cpuSec() - cpu0, wallSec: (Date.now() - t0) / 1000 }));
