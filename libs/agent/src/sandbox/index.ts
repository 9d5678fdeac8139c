export { type AgentSpawn, layeredSpawn, type SpawnLayer } from './agent-spawn';
export { containerName, HOST_LABEL, RUNNER_PID_LABEL, RUNNER_START_LABEL, SESSION_LABEL } from './container-name';
export { egressAllowed } from './egress-allowlist';
export { type EgressDenial, type EgressOwner, EgressProxy, type OnEgressDenied } from './egress-proxy';
export { HOST_LOCAL_ENV, type PodmanRunOptions, podmanRunSpawn, type SandboxMount } from './podman-run-args';
export {
  PodmanSandbox,
  type PodmanSandboxOptions,
  type SandboxReport,
  type SandboxRequest,
  type SandboxSession,
} from './podman-sandbox';
export {
  listSandboxContainers,
  reapOrphanContainers,
  removeContainers,
  removeSessionContainers,
  type SandboxContainer,
} from './sandbox-containers';
