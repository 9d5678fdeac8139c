import type { RawConfig, RepoConfig } from './schema';

export type SandboxMode = 'none' | 'podman' | 'external';

/** `agent.sandbox` as a mode: the old `true` is `external`, `false` and unset are `none`. */
export function agentSandboxMode(setting: RawConfig['agent']['sandbox']): SandboxMode {
  if (setting === true) return 'external';
  if (setting === false || setting === undefined) return 'none';
  return setting;
}

/**
 * The one place a launch's sandbox is decided: the repo's own `sandbox.mode`, else its host's
 * `hosts[].sandbox`, else `agent.sandbox`.
 */
export function resolveSandboxMode(
  config: Pick<RawConfig, 'agent' | 'hosts'>,
  hostName: string | undefined,
  repo: Pick<RepoConfig, 'sandbox'>,
): SandboxMode {
  const host = config.hosts.find((h) => h.name === hostName);
  return repo.sandbox.mode ?? host?.sandbox ?? agentSandboxMode(config.agent.sandbox);
}

/** The podman binary when some repo on `hostName` (any host when unset) runs sandboxed; undefined otherwise. */
export function sandboxPodman(
  config: Pick<RawConfig, 'agent' | 'hosts' | 'repos'>,
  hostName?: string,
): string | undefined {
  const hosts = config.hosts.filter((h) => hostName === undefined || h.name === hostName);
  const used = hosts.some((h) => config.repos.some((r) => resolveSandboxMode(config, h.name, r) === 'podman'));
  return used ? config.agent.podman.command : undefined;
}
