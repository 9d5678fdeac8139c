import type { AgentSpawn } from './agent-spawn';

/** A host path bind-mounted at the same path inside the container. */
export interface SandboxMount {
  path: string;
  readOnly: boolean;
}

export interface PodmanRunOptions {
  podman: string;
  name: string;
  image: string;
  network: string;
  labels: Record<string, string>;
  cpus: number;
  memory: string;
  readOnlyRoot: boolean;
  /** The runner's uid and gid: the agent writes the worktree as its owner. Rootless maps them with keep-id. */
  uid: number;
  gid: number;
  mounts: SandboxMount[];
  /** Set inside the container by the sandbox itself (HOME, the proxy); never read from the runner. */
  sandboxEnv: Record<string, string>;
  /** What podman itself needs from the runner's environment (PATH, XDG_RUNTIME_DIR when rootless): never forwarded. */
  podmanEnv: Record<string, string | undefined>;
}

/**
 * Names that describe the runner's machine, not the agent's job: the container has its own (the image's PATH,
 * a HOME on its tmpfs) and its own proxy, so these are never forwarded even when the adapter's env has them.
 */
export const HOST_LOCAL_ENV = new Set([
  'PATH',
  'HOME',
  'PWD',
  'OLDPWD',
  'SHLVL',
  '_',
  'TMPDIR',
  'SHELL',
  'USER',
  'LOGNAME',
  'MAIL',
  'NODE_EXTRA_CA_CERTS',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
]);

/**
 * The `podman run` that runs `plain` in its own container: attached (stream-json on stdout, the prompt on
 * stdin), `--rm --init` so the container goes with the agent and signals reach it. Exactly the entries of
 * `plain.env` are forwarded (minus HOST_LOCAL_ENV), each as `--env NAME` with its value in podman's own
 * environment: values never appear in argv, which every user of the machine can read in `ps`.
 */
export function podmanRunSpawn(plain: AgentSpawn, o: PodmanRunOptions): AgentSpawn {
  const forwarded: Record<string, string> = {};
  for (const [name, value] of Object.entries(plain.env)) {
    if (value !== undefined && !HOST_LOCAL_ENV.has(name) && !name.startsWith('XDG_')) forwarded[name] = value;
  }
  Object.assign(forwarded, o.sandboxEnv);
  const rootless = o.uid !== 0;
  const args = [
    'run',
    '--rm',
    '--init',
    '-i',
    '--name',
    o.name,
    ...Object.entries(o.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    '--network',
    o.network,
    // podman copies the runner's own proxy variables in by default: the agent's only way out is ours.
    '--http-proxy=false',
    '--cap-drop=all',
    '--security-opt=no-new-privileges',
    '--user',
    `${o.uid}:${o.gid}`,
    ...(rootless ? ['--userns=keep-id'] : []),
    '--cpus',
    String(o.cpus),
    '--memory',
    o.memory,
    '--pids-limit',
    '4096',
    ...(o.readOnlyRoot ? ['--read-only'] : []),
    '--tmpfs',
    '/tmp:rw,exec,mode=1777',
    '--workdir',
    plain.cwd,
    ...o.mounts.flatMap((m) => ['--volume', `${m.path}:${m.path}:${m.readOnly ? 'ro' : 'rw'}`]),
    ...Object.keys(forwarded)
      .sort()
      .flatMap((name) => ['--env', name]),
    o.image,
    plain.command,
    ...plain.args,
  ];
  return { command: o.podman, args, cwd: plain.cwd, env: { ...o.podmanEnv, ...forwarded } };
}
