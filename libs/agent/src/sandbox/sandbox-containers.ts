import { isSameProcess } from '../process-identity';
import { HOST_LABEL, RUNNER_PID_LABEL, RUNNER_START_LABEL, SESSION_LABEL } from './container-name';
import { podmanCli } from './podman-cli';

export interface SandboxContainer {
  name: string;
  labels: Record<string, string>;
}

/** Every sandbox container on this machine (running or not); empty when podman is missing or fails. */
export async function listSandboxContainers(podman = 'podman', filter = SESSION_LABEL): Promise<SandboxContainer[]> {
  try {
    const out = await podmanCli(podman, ['ps', '-a', '--filter', `label=${filter}`, '--format', 'json']);
    const rows = JSON.parse(out || '[]') as Array<{ Names?: string[]; Labels?: Record<string, string> | null }>;
    return rows.map((r) => ({ name: r.Names?.[0] ?? '', labels: r.Labels ?? {} })).filter((c) => c.name);
  } catch {
    return [];
  }
}

/** `podman rm -f` (SIGTERM, then SIGKILL after `graceSec`); a container already gone is not an error. */
export async function removeContainers(podman: string, names: string[], graceSec = 2): Promise<void> {
  if (names.length === 0) return;
  await podmanCli(podman, ['rm', '-f', '--ignore', '-t', String(Math.ceil(graceSec)), ...names]).catch(() => undefined);
}

/** Removes the containers of one execution of a session (its NIGHTSHIFT_SESSION value); how many there were. */
export async function removeSessionContainers(
  sessionEnvValue: string,
  podman = 'podman',
  graceSec = 2,
): Promise<number> {
  const mine = await listSandboxContainers(podman, `${SESSION_LABEL}=${sessionEnvValue}`);
  await removeContainers(
    podman,
    mine.map((c) => c.name),
    graceSec,
  );
  return mine.length;
}

/**
 * Containers this host's runners started whose runner is gone (not the same pid and start time any more):
 * nothing supervises them, so they are removed. Returns their names.
 */
export async function reapOrphanContainers(host: string, podman = 'podman', graceSec = 2): Promise<string[]> {
  const orphans = (await listSandboxContainers(podman, `${HOST_LABEL}=${host}`)).filter((c) => {
    const pid = Number(c.labels[RUNNER_PID_LABEL]);
    return !(pid > 0 && isSameProcess(pid, c.labels[RUNNER_START_LABEL]));
  });
  await removeContainers(
    podman,
    orphans.map((c) => c.name),
    graceSec,
  );
  return orphans.map((c) => c.name);
}
