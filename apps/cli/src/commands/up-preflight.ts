import type { NightshiftConfig } from '@nightshift/config';

import { checkAgentCommand } from '../doctor/agent-checks';
import { runChecks } from '../doctor/doctor-check';
import { checkRedis } from '../doctor/redis-checks';
import { checkSecrets } from '../doctor/secret-checks';
import { SetupBrokenError } from '../errors/setup-broken.error';

/**
 * The doctor checks a swarm cannot work without, run before `up` starts anything: the secrets the config
 * names, the agent command, and an external Redis when one is configured (an embedded one is started by `up`).
 * Each failure is printed as doctor prints it; then SetupBrokenError.
 */
export async function refuseBrokenSetup(
  config: NightshiftConfig,
  out: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const external = Boolean(env['REDIS_URL'] || config.redis.url);
  const { results, lines } = await runChecks([
    () => checkSecrets(config, env),
    () => checkAgentCommand(config),
    // Only Redis' answer blocks; the clock line is doctor's to report.
    ...(external ? [async () => (await checkRedis(config, env)).filter((r) => r.name === 'redis')] : []),
  ]);
  const failures = lines.filter((_, i) => !results[i]!.ok);
  if (failures.length === 0) return;
  for (const line of failures) out(`[up] ${line}`);
  throw new SetupBrokenError(failures);
}
