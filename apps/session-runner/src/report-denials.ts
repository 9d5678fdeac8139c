import { type AgentRunResult, describeDenial } from '@nightshift/agent';
import type { RunRecord } from '@nightshift/contracts';
import { redactSecrets } from '@nightshift/domain';

import { runEventBase } from './run-event';
import type { SessionDeps } from './session-deps';

/**
 * Tool calls the agent was not allowed to make: stored on the run (redacted), one event per run naming
 * them, and counted per repo and tool. Returns the redacted descriptions (`Bash(npm test)`), for the PR body
 * and the Needs Human summary.
 */
export async function reportDenials(deps: SessionDeps, record: RunRecord, run: AgentRunResult): Promise<string[]> {
  if (run.permissionDenials.length === 0) return [];
  const denied = run.permissionDenials.map((d) => redactSecrets(describeDenial(d)));
  record.permissionDenials = denied;
  for (const d of run.permissionDenials) deps.metrics.permissionDenials.inc({ repo: record.repo, tool: d.tool_name });
  await deps.events.append({
    type: 'session.permission_denied',
    ...runEventBase(record),
    detail: { count: denied.length, tools: [...new Set(denied)].join('; ').slice(0, 500) },
  });
  return denied;
}

/** Connections the sandbox's proxy refused: on the run (the metric was counted as each happened), and one event. */
export async function reportEgressDenials(
  deps: SessionDeps,
  record: RunRecord,
  sandbox: RunRecord['sandbox'],
): Promise<void> {
  if (!sandbox) return;
  record.sandbox = sandbox;
  if (sandbox.egressDenied === 0) return;
  await deps.events.append({
    type: 'session.egress_denied',
    ...runEventBase(record),
    detail: { count: sandbox.egressDenied, hosts: sandbox.deniedHosts.join(', ').slice(0, 500) },
  });
}
