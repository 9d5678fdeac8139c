import type { NightshiftConfig } from '@nightshift/config';
import { fail, pass, type CheckResult } from './doctor-check';
import { runCommand } from './run-command';

/** Each repo's remote answers and has its base branch (git ls-remote, no credentials prompt). */
export async function checkRepos(config: NightshiftConfig): Promise<CheckResult[]> {
  const env = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
  return Promise.all(
    config.repos.map(async (repo) => {
      const out = await runCommand('git', ['ls-remote', '--heads', repo.remote, repo.baseBranch], env, 30_000);
      if (!out.ok) return fail(`repo ${repo.name}`, `cannot read ${repo.remote}: ${out.stderr.trim().split('\n').pop() ?? ''}`, 'check the remote URL and this host\'s git credentials (ssh key or credential helper)');
      if (!out.stdout.trim()) return fail(`repo ${repo.name}`, `${repo.remote} has no branch ${repo.baseBranch}`, `set repos[].baseBranch to the branch PRs target`);
      return pass(`repo ${repo.name}`, `${repo.remote} (${repo.baseBranch})`);
    }),
  );
}
