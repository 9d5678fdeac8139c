import { accountEnv, AuthPreflight } from '@nightshift/agent';
import type { NightshiftConfig } from '@nightshift/config';

import { type CheckResult, fail, pass, skip } from './doctor-check';
import { runCommand } from './run-command';

/** The agent CLI runs (`<command> --version`). */
export async function checkAgentCommand(config: NightshiftConfig): Promise<CheckResult> {
  const { command } = config.agent;
  const version = await runCommand(command, ['--version']);
  if (version.ok) return pass('agent', `${command}: ${version.stdout.trim().split('\n')[0]}`);
  const missing = version.code === 'ENOENT' || version.code === 'EACCES';
  return fail(
    'agent',
    missing
      ? `agent CLI "${command}" not found or not executable`
      : `\`${command} --version\` failed: ${(version.stderr || version.stdout).trim().split('\n')[0]}`,
    'install Claude Code (npm install -g @anthropic-ai/claude-code) or set agent.command',
  );
}

/** The agent CLI runs, and each account is logged in (the same check the session-runner makes before a launch). */
export async function checkAgent(config: NightshiftConfig): Promise<CheckResult[]> {
  const { command } = config.agent;
  const found = await checkAgentCommand(config);
  if (!found.ok) return [found, skip('agent login', 'no agent CLI to ask')];
  const results = [found];
  if (!config.agent.authCheck.enabled) return [...results, skip('agent login', 'agent.authCheck.enabled is false')];
  const auth = new AuthPreflight({ ...config.agent, authCheck: { ...config.agent.authCheck, cacheSec: 0 } });
  const kind = config.agent.kind;
  for (const account of config.agent.accounts) {
    const verdict = await auth.check(account);
    const where = Object.values(accountEnv(account, kind))[0] ?? 'default credentials';
    results.push(
      verdict.ok
        ? pass('agent login', `account ${account.name} (${where}): ${verdict.reason}`)
        : fail(
            'agent login',
            verdict.reason,
            kind === 'claude-code'
              ? `run \`${account.configDir ? `CLAUDE_CONFIG_DIR=${account.configDir} ` : ''}${command}\` and /login, as the user that runs Nightshift`
              : `log ${kind} in as the user that runs Nightshift (docs/agents.md)`,
          ),
    );
  }
  return results;
}
