import { mkdirSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { processStartTime } from '../process-identity';
import type { SpawnLayer } from './agent-spawn';
import { containerName, HOST_LABEL, RUNNER_PID_LABEL, RUNNER_START_LABEL, SESSION_LABEL } from './container-name';
import { type EgressDenial, EgressProxy, type OnEgressDenied } from './egress-proxy';
import { podmanCli } from './podman-cli';
import { podmanRunSpawn, type SandboxMount } from './podman-run-args';
import { removeContainers } from './sandbox-containers';
import { worktreeGitDirs } from './worktree-git-dirs';

export interface PodmanSandboxOptions {
  podman: string;
  /** The `--internal` network every sandbox joins; created when missing. */
  network: string;
  /** This runner's host name (a label the reaper filters on). */
  host: string;
  /** Hosts every session may reach (the agent vendor's API). */
  vendorEgress: readonly string[];
  onDenied: OnEgressDenied;
}

/** One session's container, as the repo configures it. */
export interface SandboxRequest {
  repo: string;
  /** The session's NIGHTSHIFT_SESSION value (key and tag): names and labels the container. */
  sessionEnvValue: string;
  worktree: string;
  image: string;
  cpus: number;
  memory: string;
  readOnlyRoot: boolean;
  /** The repo's own egress hosts, on top of the vendor's. */
  egress: readonly string[];
  /** The account's credential folder, bind-mounted read-write (never copied); default ~/.claude; null: none (checks). */
  credentialDir?: string | null;
  /** The agent CLI: an absolute path outside the image (a host install, the test double) is mounted read-only. */
  agentCommand: string;
}

/** What the run record shows of a sandboxed session. */
export interface SandboxReport {
  mode: 'podman';
  image: string;
  container: string;
  egressDenied: number;
  /** `host:port` of each refused connection, deduplicated, at most 20. */
  deniedHosts: string[];
}

export interface SandboxSession {
  container: string;
  /** Turns the adapter's plain spawn into the `podman run` of this container. */
  layer: SpawnLayer;
  /** The same for a hook or check: each runs in a container of its own, with the same image, mounts and network. */
  hookLayer: SpawnLayer;
  /** The host pid of the container's init (its processes descend from it), once it runs; null after `timeoutMs`. */
  containerPid(timeoutMs?: number): Promise<number | null>;
  /** Removes the container (idempotent) and ends its proxy pass. */
  close(): Promise<SandboxReport>;
}

/** What podman itself needs from the runner's environment (rootless: its runtime dir); never forwarded inside. */
const PODMAN_OWN_ENV = [
  'PATH',
  'HOME',
  'XDG_RUNTIME_DIR',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'CONTAINERS_CONF',
  'CONTAINERS_STORAGE_CONF',
  'CONTAINER_HOST',
];

/**
 * The runner's Podman sandboxes: one `--internal` network (no route out), one egress proxy on its gateway, and
 * one container per session (see podmanRunSpawn for the container itself).
 */
export class PodmanSandbox {
  private readonly proxy: EgressProxy;
  private ready?: Promise<void>;

  constructor(private readonly options: PodmanSandboxOptions) {
    this.proxy = new EgressProxy(options.onDenied);
  }

  async open(req: SandboxRequest): Promise<SandboxSession> {
    await (this.ready ??= this.prepare().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    }));
    const { podman } = this.options;
    const container = containerName(req.sessionEnvValue);
    const pass = this.proxy.admit({ repo: req.repo, session: req.sessionEnvValue }, [
      ...this.options.vendorEgress,
      ...req.egress,
    ]);
    const credentialDir =
      req.credentialDir === null
        ? undefined
        : (req.credentialDir ?? process.env['CLAUDE_CONFIG_DIR'] ?? path.join(os.homedir(), '.claude'));
    if (credentialDir) mkdirSync(credentialDir, { recursive: true, mode: 0o700 });
    const mounts: SandboxMount[] = [{ path: req.worktree, readOnly: false }];
    if (credentialDir) mounts.push({ path: credentialDir, readOnly: false });
    const git = worktreeGitDirs(req.worktree);
    if (git.common) mounts.push({ path: git.common, readOnly: true });
    if (git.own) mounts.push({ path: git.own, readOnly: false });
    if (path.isAbsolute(req.agentCommand)) {
      mounts.push({ path: path.dirname(realpathSync(req.agentCommand)), readOnly: true });
    }
    const podmanEnv = Object.fromEntries(PODMAN_OWN_ENV.map((name) => [name, process.env[name]]));
    const labels = {
      [SESSION_LABEL]: req.sessionEnvValue,
      [HOST_LABEL]: this.options.host,
      [RUNNER_PID_LABEL]: String(process.pid),
      [RUNNER_START_LABEL]: processStartTime(process.pid) ?? '',
    };
    const sandboxEnv: Record<string, string> = {
      HOME: '/tmp',
      ...(credentialDir ? { CLAUDE_CONFIG_DIR: credentialDir } : {}),
      HTTPS_PROXY: pass.url,
      HTTP_PROXY: pass.url,
      https_proxy: pass.url,
      http_proxy: pass.url,
    };
    const names = [container];
    const layerNamed =
      (name: string): SpawnLayer =>
      (plain) =>
        podmanRunSpawn(plain, {
          podman,
          name,
          image: req.image,
          network: this.options.network,
          labels,
          cpus: req.cpus,
          memory: req.memory,
          readOnlyRoot: req.readOnlyRoot,
          uid: process.getuid?.() ?? 0,
          gid: process.getgid?.() ?? 0,
          mounts,
          sandboxEnv,
          podmanEnv,
        });
    const hookLayer: SpawnLayer = (plain) => {
      const name = `${container}-hook-${names.length}`;
      names.push(name);
      return layerNamed(name)(plain);
    };
    let report: SandboxReport | undefined;
    return {
      container,
      layer: layerNamed(container),
      hookLayer,
      containerPid: (timeoutMs = 10_000) => this.containerPid(container, timeoutMs),
      close: async () => {
        if (report) return report;
        await removeContainers(podman, names);
        report = sandboxReport(req.image, container, pass.release());
        return report;
      },
    };
  }

  async close(): Promise<void> {
    await this.proxy.close();
  }

  private async prepare(): Promise<void> {
    const { podman, network } = this.options;
    const exists = await podmanCli(podman, ['network', 'exists', network]).then(
      () => true,
      () => false,
    );
    if (!exists) await this.createNetwork().catch(() => undefined); // another runner of this machine may have won
    const gateway = (await this.subnet(network))?.gateway;
    if (!gateway) throw new Error(`podman network ${network} has no gateway: the egress proxy has nowhere to listen`);
    await this.proxy.listen(gateway);
  }

  /**
   * `--internal` (no route out) and `--disable-dns`: a resolver that forwards queries out would be a channel
   * around the proxy, which resolves names itself. Podman gives such a network no gateway unless told one, so
   * a free subnet is first learnt from a throwaway network podman numbers itself.
   */
  private async createNetwork(): Promise<void> {
    const { podman, network } = this.options;
    const probe = `${network}-subnet-${process.pid}`;
    await podmanCli(podman, ['network', 'create', '--internal', probe]);
    const subnet = await this.subnet(probe).finally(() => podmanCli(podman, ['network', 'rm', '-f', probe]));
    if (!subnet?.gateway) throw new Error(`podman gave network ${probe} no subnet`);
    await podmanCli(podman, [
      'network',
      'create',
      '--internal',
      '--disable-dns',
      '--subnet',
      subnet.subnet,
      '--gateway',
      subnet.gateway,
      network,
    ]);
  }

  private async subnet(network: string): Promise<{ subnet: string; gateway?: string } | undefined> {
    const [inspected] = JSON.parse(await podmanCli(this.options.podman, ['network', 'inspect', network])) as Array<{
      subnets?: Array<{ subnet: string; gateway?: string }>;
    }>;
    return inspected?.subnets?.[0];
  }

  private async containerPid(container: string, timeoutMs: number): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const pid = Number(
        await podmanCli(this.options.podman, ['inspect', '--format', '{{.State.Pid}}', container]).catch(() => '0'),
      );
      if (pid > 0) return pid;
      await delay(100);
    }
    return null;
  }
}

function sandboxReport(image: string, container: string, denials: EgressDenial[]): SandboxReport {
  return {
    mode: 'podman',
    image,
    container,
    egressDenied: denials.length,
    deniedHosts: [...new Set(denials.map((d) => `${d.host}:${d.port}`))].slice(0, 20),
  };
}
