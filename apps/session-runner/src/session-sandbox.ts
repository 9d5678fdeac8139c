import type { SandboxSession } from '@nightshift/agent';
import type { AccountConfig, RepoConfig } from '@nightshift/config';

import type { SessionDeps } from './session-deps';

/**
 * A session's Podman sandbox as its repo configures it: the agent's (with the account's credential folder
 * mounted) or, without an account, the checks' (no credentials at all).
 */
export function openSessionSandbox(
  deps: SessionDeps,
  repo: RepoConfig,
  worktree: string,
  sessionEnvValue: string,
  account: AccountConfig | null,
): Promise<SandboxSession> {
  if (!deps.sandbox) throw new Error(`repo ${repo.name} runs in a Podman sandbox, but this runner has none`);
  return deps.sandbox.open({
    repo: repo.name,
    sessionEnvValue,
    worktree,
    image: repo.sandbox.image,
    cpus: repo.sandbox.cpus,
    memory: repo.sandbox.memory,
    readOnlyRoot: repo.sandbox.readOnlyRoot,
    egress: repo.sandbox.egress,
    credentialDir: account ? (account.configDir ?? undefined) : null,
    agentCommand: deps.config.agent.command,
  });
}
