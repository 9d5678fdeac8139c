import { type NightshiftConfig, resolveSandboxMode } from '@nightshift/config';

import { type CheckResult, fail, pass, skip, warn } from './doctor-check';
import { runCommand } from './run-command';

/**
 * Where each repo's agent runs on each host: an `external` sandbox (the operator's word, nothing checks it) is a
 * warning; a `podman` one needs podman and the repo's image on this machine.
 */
export async function checkSandbox(config: NightshiftConfig): Promise<CheckResult[]> {
  const modes = config.hosts.flatMap((host) =>
    config.repos
      .filter((repo) => host.capabilities.includes(repo.capability))
      .map((repo) => ({ host: host.name, repo, mode: resolveSandboxMode(config, host.name, repo) })),
  );
  const results: CheckResult[] = [];
  const external = modes.filter((m) => m.mode === 'external');
  if (external.length > 0) {
    results.push(
      warn(
        'sandbox',
        `external for ${external.map((m) => `${m.repo.name} on ${m.host}`).join(', ')}: nothing checks that the machine is disposable${config.agent.permissionMode === 'bypassPermissions' ? ', and bypassPermissions runs every agent command unasked there' : ''}`,
        'set agent.sandbox: podman (docs/sandbox.md)',
      ),
    );
  }
  const podman = modes.filter((m) => m.mode === 'podman');
  if (podman.length === 0) {
    if (results.length === 0) results.push(skip('sandbox', 'no repo runs in a Podman sandbox (agent.sandbox: none)'));
    return results;
  }
  const command = config.agent.podman.command;
  const version = await runCommand(command, ['--version']);
  if (!version.ok) {
    return [
      ...results,
      fail('sandbox', `podman ("${command}") does not run`, 'bash deploy/podman-setup.sh (docs/sandbox.md)'),
    ];
  }
  for (const image of new Set(podman.map((m) => m.repo.sandbox.image))) {
    const exists = await runCommand(command, ['image', 'exists', image]);
    results.push(
      exists.ok
        ? pass('sandbox', `${version.stdout.trim()}; image ${image}`)
        : fail('sandbox', `image ${image} is missing`, "bash deploy/podman-setup.sh, or build the repo's own image"),
    );
  }
  return results;
}
