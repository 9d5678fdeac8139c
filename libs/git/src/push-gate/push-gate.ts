import { protectedTouches } from './protected-paths';
import { readChange } from './read-change';
import { type GateFinding, scanForSecrets, type SecretAllowEntry } from './scan-secrets';

/** Why a push was refused: a secret in the change, or a change to files that steer the agent or the CI. */
export type PushBlockReason = 'secret' | 'protected_path';

export type PushGateVerdict = { blocked: false } | { blocked: true; reason: PushBlockReason; findings: GateFinding[] };

/** What the gate knows about the repo and the director. */
export interface PushGatePolicy {
  /** Exact values of every secret the director holds (config-named env vars, account keys, the Redis password). */
  secrets: readonly string[];
  /** `repos[].secretScan.allow`. */
  allow: readonly SecretAllowEntry[];
  /** `repos[].protectedPaths`. */
  protectedPaths: { enforce: boolean; allow: readonly string[] };
  /** The argv of each of the repo's checks. */
  checks: ReadonlyArray<readonly string[]>;
}

/**
 * The one decision before a push: what HEAD adds on top of `baseRef` carries no secret and touches no
 * protected path (unless the repo allows it). Secrets are judged first: a change with both is a secret leak.
 */
export async function checkBeforePush(
  worktree: string,
  baseRef: string,
  policy: PushGatePolicy,
): Promise<PushGateVerdict> {
  const files = await readChange(worktree, baseRef);
  const secrets = await scanForSecrets(files, { secrets: policy.secrets, allow: policy.allow });
  if (secrets.length > 0) return { blocked: true, reason: 'secret', findings: secrets };
  if (!policy.protectedPaths.enforce) return { blocked: false };
  const touched = await protectedTouches(worktree, baseRef, files, {
    checks: policy.checks,
    allow: policy.protectedPaths.allow,
  });
  return touched.length > 0 ? { blocked: true, reason: 'protected_path', findings: touched } : { blocked: false };
}

/** `path:line:rule` per finding (`path:rule` for a whole file), for comments and events: never a value. */
export function describeFindings(findings: readonly GateFinding[]): string[] {
  return findings.map((f) => (f.line > 0 ? `${f.path}:${f.line}: ${f.rule}` : `${f.path}: ${f.rule}`));
}
