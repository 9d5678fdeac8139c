import { UnsafePermissionModeError } from './errors/unsafe-permission-mode.error';

/** Where a launch runs (resolved per host and repo by `resolveSandboxMode` in @nightshift/config). */
export type SandboxMode = 'none' | 'podman' | 'external';

export interface PermissionModeSettings {
  permissionMode: string;
  /** The launch's sandbox mode. */
  sandbox: SandboxMode;
  /** Named in the refusal, e.g. `repo alpha on host local`. */
  where?: string;
}

export type PermissionModeVerdict =
  { allowed: true; env: Record<string, string>; warning?: string } | { allowed: false; reason: string };

const HOW =
  'Set agent.sandbox: podman (each agent in its own container, egress only through an allowlist; see docs/sandbox.md), ' +
  'or use permissionMode: acceptEdits and grant commands with agent.allowedTools / repos[].allowedTools.';

export const EXTERNAL_SANDBOX_WARNING =
  "agent.sandbox is external: bypassPermissions runs every agent command unasked, on the operator's word alone that " +
  'this machine is a disposable sandbox. Nothing checks it; prefer agent.sandbox: podman.';

/**
 * Whether a permission mode may be used for a launch. Only `bypassPermissions` is guarded: it runs every tool
 * call unasked, so it is accepted only where the agent is contained — `podman` (its own container behind the
 * egress proxy) — or where the operator explicitly declares the machine disposable (`external`, which always
 * carries a warning). The CLI refuses the mode as root unless `IS_SANDBOX=1`: that variable is set only then.
 */
export function checkPermissionMode(
  settings: PermissionModeSettings,
  uid: number | undefined = process.getuid?.(),
): PermissionModeVerdict {
  if (settings.permissionMode !== 'bypassPermissions') return { allowed: true, env: {} };
  const env: Record<string, string> = uid === 0 ? { IS_SANDBOX: '1' } : {};
  if (settings.sandbox === 'podman') return { allowed: true, env };
  if (settings.sandbox === 'external') return { allowed: true, env, warning: EXTERNAL_SANDBOX_WARNING };
  const where = settings.where ? ` for ${settings.where}` : '';
  return {
    allowed: false,
    reason: `agent.permissionMode is bypassPermissions, which runs every command the agent asks for without a check, and the sandbox${where} is none (not a container). ${HOW}`,
  };
}

/** Throws UnsafePermissionModeError with the reason and the fix when the mode is not allowed here. */
export function assertPermissionModeAllowed(
  settings: PermissionModeSettings,
  uid: number | undefined = process.getuid?.(),
): { env: Record<string, string>; warning?: string } {
  const verdict = checkPermissionMode(settings, uid);
  if (!verdict.allowed) throw new UnsafePermissionModeError(verdict.reason);
  return verdict.warning ? { env: verdict.env, warning: verdict.warning } : { env: verdict.env };
}
