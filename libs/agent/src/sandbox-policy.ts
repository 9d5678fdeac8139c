import { existsSync } from 'node:fs';
import { UnsafePermissionModeError } from './errors/unsafe-permission-mode.error';

/** What the runner can see of where it runs. */
export interface SandboxProbe {
  /** Effective uid; undefined where the platform has none (Windows). */
  uid: number | undefined;
  /** Container marker files present (Docker's `/.dockerenv`, Podman's `/run/.containerenv`). */
  containerMarkers: string[];
}

export const CONTAINER_MARKERS: readonly string[] = ['/.dockerenv', '/run/.containerenv'];

/** The real probe of this process. */
export function probeSandbox(): SandboxProbe {
  return { uid: process.getuid?.(), containerMarkers: CONTAINER_MARKERS.filter((f) => existsSync(f)) };
}

export interface PermissionModeSettings {
  permissionMode: string;
  /** The operator's word: true = this runner is sandboxed, false = it is not; unset = detect. */
  sandbox?: boolean;
}

export type PermissionModeVerdict = { allowed: true; env: Record<string, string> } | { allowed: false; reason: string };

const HOW =
  'Run the session-runner as a non-root user inside a container (Docker or Podman), or, if this machine is a disposable sandbox, ' +
  'set agent.sandbox: true in nightshift.yaml; otherwise use permissionMode: acceptEdits and grant commands with agent.allowedTools / repos[].allowedTools.';

/**
 * Whether a permission mode may be used here. Only `bypassPermissions` is guarded: it runs every tool call
 * unasked, so it is accepted only in a sandbox — a container as a non-root user, or a machine the operator
 * declares disposable (`agent.sandbox: true`). As root the CLI itself refuses the mode unless `IS_SANDBOX=1`
 * says the machine is disposable, so that variable is set only on the operator's explicit word.
 */
export function checkPermissionMode(settings: PermissionModeSettings, probe: SandboxProbe = probeSandbox()): PermissionModeVerdict {
  if (settings.permissionMode !== 'bypassPermissions') return { allowed: true, env: {} };
  const why = 'agent.permissionMode is bypassPermissions, which runs every command the agent asks for without a check';
  if (settings.sandbox === true) return { allowed: true, env: probe.uid === 0 ? { IS_SANDBOX: '1' } : {} };
  if (settings.sandbox === false) return { allowed: false, reason: `${why}, and agent.sandbox is false (this runner is not a sandbox). ${HOW}` };
  if (probe.uid === 0) return { allowed: false, reason: `${why}, and this runner runs as root (Claude Code refuses that mode as root). ${HOW}` };
  if (probe.containerMarkers.length === 0) {
    return { allowed: false, reason: `${why}, and this runner is not in a container (no ${CONTAINER_MARKERS.join(' or ')}). ${HOW}` };
  }
  return { allowed: true, env: {} };
}

/** Throws UnsafePermissionModeError with the reason and the fix when the mode is not allowed here. */
export function assertPermissionModeAllowed(settings: PermissionModeSettings, probe: SandboxProbe = probeSandbox()): Record<string, string> {
  const verdict = checkPermissionMode(settings, probe);
  if (!verdict.allowed) throw new UnsafePermissionModeError(verdict.reason);
  return verdict.env;
}
