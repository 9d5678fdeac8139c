import type { NightshiftConfig } from '@nightshift/config';
import { isLocalRemote } from '@nightshift/config';

import { classifyFailure, classifyLocalRemote } from './classify-failure';
import { type CheckResult, fail, pass } from './doctor-check';
import { runCommand } from './run-command';

/** Each repo's remote answers and has its base branch (git ls-remote, no credentials prompt). */
export async function checkRepos(config: NightshiftConfig): Promise<CheckResult[]> {
  const env = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
  return Promise.all(
    config.repos.map(async (repo) => {
      const missing = isLocalRemote(repo.remote) ? classifyLocalRemote(repo.remote) : undefined;
      if (missing) return fail(`repo ${repo.name}`, missing.detail, missing.fix);
      const out = await runCommand('git', ['ls-remote', '--heads', repo.remote, repo.baseBranch], env, 30_000);
      if (!out.ok) {
        const failure = classifyFailure(
          { stderr: out.stderr },
          {
            target: repo.remote,
            otherFix: "check the remote URL and this host's git credentials (ssh key or credential helper)",
          },
        );
        const detail =
          failure.kind === 'other' ? `cannot read ${repo.remote}: ${gitError(out.stderr)}` : failure.detail;
        return fail(`repo ${repo.name}`, detail, failure.fix);
      }
      if (!out.stdout.trim())
        return fail(
          `repo ${repo.name}`,
          `${repo.remote} has no branch ${repo.baseBranch}`,
          `set repos[].baseBranch to the branch PRs target`,
        );
      return pass(`repo ${repo.name}`, `${repo.remote} (${repo.baseBranch})`);
    }),
  );
}

/** git's first `fatal:`/`ERROR:` line says what went wrong; the lines after it are advice. */
function gitError(stderr: string): string {
  const lines = stderr
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.find((l) => /^(fatal|error):/i.test(l)) ?? lines[0] ?? 'git ls-remote failed').replace(
    /^(fatal|error):\s*/i,
    '',
  );
}
