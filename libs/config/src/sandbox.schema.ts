import { z } from 'zod';

/**
 * Where an agent runs: `podman` (its own container, egress only through the runner's allowlisting proxy),
 * `none` (a plain process on the runner's machine) or `external` (the operator's word that the whole machine
 * is a disposable sandbox: nothing checks it, so it is logged loudly and `doctor` warns).
 */
export const sandboxMode = z.enum(['none', 'podman', 'external']);

/**
 * `agent.sandbox`: the mode of every runner, unless a host or a repo says otherwise. The booleans of earlier
 * versions still parse: `true` is `external` (loudly), `false` is `none`.
 */
export const agentSandboxSetting = z.union([z.boolean(), sandboxMode]).optional();

/** A host allowed out through the proxy: `name`, `name:port`, or `*.name` (any subdomain), port 443 when omitted. */
const egressHost = z
  .string()
  .trim()
  .regex(/^(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/, 'a host name, optionally `*.` in front and `:port` after');

/** The vendor API hosts Claude Code needs; the proxy allows them for every sandboxed session. */
export const DEFAULT_AGENT_EGRESS = ['api.anthropic.com', 'statsig.anthropic.com', 'sentry.io'];

/** `agent.podman`: how the runner reaches Podman and which hosts every sandboxed agent may reach. */
export const agentPodmanSchema = z
  .object({
    /** The podman binary. */
    command: z.string().min(1).default('podman'),
    /** The `--internal` network the containers join (created when missing); the proxy listens on its gateway. */
    network: z.string().min(1).default('nightshift-sandbox'),
    /** Hosts every sandboxed session may reach (the agent vendor's API); repos add their own. */
    egress: z.array(egressHost).default(DEFAULT_AGENT_EGRESS),
  })
  .strict();

/** `repos[].sandbox`: this repo's container. */
export const repoSandboxSchema = z
  .object({
    /** Overrides the host's mode for this repo. */
    mode: sandboxMode.optional(),
    /** The toolchain image (git, node, the agent CLI); default: the one deploy/podman-setup.sh builds. */
    image: z.string().min(1).default('localhost/nightshift-sandbox:local'),
    /** Hosts this repo's agent may reach besides the vendor's (package registries, its forge). */
    egress: z.array(egressHost).default([]),
    /** CPU limit (`--cpus`). */
    cpus: z.number().positive().default(2),
    /** Memory limit (`--memory`), e.g. `4g`. */
    memory: z
      .string()
      .regex(/^\d+[bkmg]?$/i, 'a size such as 512m or 4g')
      .default('4g'),
    /** A read-only root filesystem (tmpfs on /tmp); turn off for a toolchain that writes outside the worktree and /tmp. */
    readOnlyRoot: z.boolean().default(true),
  })
  .strict();
