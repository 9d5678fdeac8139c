import type { NightshiftConfig } from '@nightshift/config';

import { checkAgent } from '../doctor/agent-checks';
import { checkAgentEnv } from '../doctor/agent-env-check';
import { runChecks } from '../doctor/doctor-check';
import { checkRedis } from '../doctor/redis-checks';
import { checkRepos } from '../doctor/repo-checks';
import { checkSandbox } from '../doctor/sandbox-checks';
import { checkSecrets } from '../doctor/secret-checks';
import { checkDisk, checkGit, checkNode, checkRedisServer } from '../doctor/system-checks';
import { checkForge, checkTracker } from '../doctor/tracker-forge-checks';

export async function doctor(config: NightshiftConfig, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { results, lines } = await runChecks([
    checkNode,
    checkGit,
    () => checkRedisServer(config, env),
    () => checkRedis(config, env),
    () => checkDisk(config),
    () => checkAgent(config),
    () => checkAgentEnv(config, env),
    () => checkSandbox(config),
    () => checkTracker(config, env),
    () => checkForge(config, env),
    () => checkSecrets(config, env),
    () => checkRepos(config),
  ]);
  process.stdout.write(`${lines.join('\n')}\n`);
  const failed = results.filter((r) => !r.ok).length;
  process.stdout.write(
    failed === 0
      ? `all ${results.length} checks passed (config ${config.file})\n`
      : `${failed} of ${results.length} checks failed (config ${config.file})\n`,
  );
  if (failed > 0) process.exitCode = 1;
}
