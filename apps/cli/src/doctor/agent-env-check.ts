import { agentEnvNames, type NightshiftConfig } from '@nightshift/config';

import { type CheckResult, pass } from './doctor-check';

/** The variable names an agent (and the hooks and checks in its worktree) will see; values are never printed. */
export async function checkAgentEnv(config: NightshiftConfig, env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const names = agentEnvNames(config, env);
  return pass('agent env', `the agent sees ${names.length} variables: ${names.join(' ')} (plus NIGHTSHIFT_SESSION)`);
}
