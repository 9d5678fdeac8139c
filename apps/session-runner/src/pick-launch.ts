import type { AgentAdapter, AgentKind } from '@nightshift/agent';
import { type AccountConfig, escalationChain, repoAgent, type RepoConfig } from '@nightshift/config';
import type { SessionJob } from '@nightshift/contracts';

import { type AccountPick, pickAccount } from './pick-account';
import { agentOfRepo, type SessionDeps } from './session-deps';

/** Who runs this execution: an account, its CLI's adapter, the model, and why it is not the repo's own CLI. */
export type LaunchPick =
  | { account: AccountConfig; kind: AgentKind; model: string; agent: AgentAdapter; movedFrom?: string }
  | { waitMs: number; reason: string };

/**
 * The CLI the router chose (`job.agent`: a ticket label or the escalation chain; else the repo's own) when one of its accounts is free. When all are paused (a vendor's rate limit), the first
 * `agent.escalation` entry of another CLI that the repo allows (`repos[].agents`) and that has a free account takes
 * the session at once, no attempt spent; otherwise the session waits for the earliest reset.
 */
export async function pickLaunch(
  deps: SessionDeps,
  repo: RepoConfig,
  job: SessionJob,
  now = new Date(),
): Promise<LaunchPick> {
  const repos = repoAgent(deps.config, repo).kind;
  const own = { kind: job.agent ?? repos };
  const ownAgent = own.kind === repos ? agentOfRepo(deps, repo.name) : deps.kindAgents?.get(own.kind);
  if (!ownAgent)
    throw new Error(
      `run ${job.runId} was routed to ${own.kind}, which this runner has no adapter for; name a ${own.kind} model in agent.escalation`,
    );
  const pick: AccountPick = await pickAccount(deps, now, own.kind);
  if ('account' in pick) return { account: pick.account, kind: own.kind, model: job.model, agent: ownAgent };
  for (const entry of escalationChain(deps.config)) {
    if (entry.kind === own.kind || !repo.agents.includes(entry.kind)) continue;
    const agent = deps.kindAgents?.get(entry.kind);
    if (!agent) continue;
    const other = await pickAccount(deps, now, entry.kind);
    if ('account' in other)
      return {
        account: other.account,
        kind: entry.kind,
        model: entry.model,
        agent,
        movedFrom: `${own.kind}: ${pick.reason}`,
      };
  }
  return pick;
}
