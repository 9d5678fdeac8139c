import { AGENT_KINDS, type AgentKind } from './agent-kinds';

export interface ModelPolicy {
  model: string;
  escalationModel: string;
  escalateAfter: number;
}

/** The model for the next launch: the cheap default until `escalateAfter` attempts were spent. */
export function chooseModel(policy: ModelPolicy, attemptsSpent: number): string {
  return attemptsSpent >= policy.escalateAfter ? policy.escalationModel : policy.model;
}

/** The vendor names `agent.escalation` entries and `agent:<name>` ticket labels use, with each CLI's kind. */
export const VENDOR_KIND: Readonly<Record<string, AgentKind>> = {
  claude: 'claude-code',
  codex: 'codex',
  gemini: 'gemini-cli',
  opencode: 'opencode',
};

/** A CLI by its vendor name (`codex`) or its kind (`gemini-cli`); undefined when neither. */
export function agentKindNamed(name: string): AgentKind | undefined {
  return VENDOR_KIND[name] ?? AGENT_KINDS.find((kind) => kind === name);
}

/** A repo's CLI and models, what else it allows (`repos[].agents`), and `agent.escalation` as CLI and model. */
export interface AgentPolicy extends ModelPolicy {
  kind: AgentKind;
  allowed: readonly AgentKind[];
  chain: ReadonlyArray<{ kind: AgentKind; model: string }>;
}

export type AgentChoice = { kind: AgentKind; model: string } | { refused: string };

const LABEL_PREFIX = 'agent:';

/** A ticket's `agent:<cli>` labels, lower-cased: tickets with different ones never share a session. */
export function agentLabels(labels: readonly string[]): string[] {
  return labels.filter((label) => label.toLowerCase().startsWith(LABEL_PREFIX)).map((label) => label.toLowerCase());
}

/**
 * The CLI and model of a ticket's next launch, decided once for router and runner:
 * - a label `agent:<cli>` pins the CLI when it is the repo's own or one the repo allows (`repos[].agents`), with
 *   that CLI's `agent.escalation` models walked by attempts; otherwise the launch is refused, naming why;
 * - a repo that allows a CLI named in `agent.escalation` walks that chain (its own and allowed CLIs' entries), one
 *   entry per attempt spent, staying on the last;
 * - any other repo keeps its CLI, with the escalation model after `escalateAfter` attempts.
 */
export function chooseAgent(policy: AgentPolicy, labels: readonly string[], attemptsSpent: number): AgentChoice {
  const named = agentLabels(labels);
  if (named.length > 1) return { refused: `more than one agent label (${named.join(', ')}): keep one` };
  const usable = (kind: AgentKind) => kind === policy.kind || policy.allowed.includes(kind);
  const allowedText = [policy.kind, ...policy.allowed.filter((kind) => kind !== policy.kind)].join(', ');
  if (named.length === 1) {
    const label = named[0]!;
    const kind = agentKindNamed(label.slice(LABEL_PREFIX.length).trim().toLowerCase());
    if (!kind)
      return {
        refused: `label "${label}" names no agent CLI; use one of ${Object.keys(VENDOR_KIND)
          .map((v) => LABEL_PREFIX + v)
          .join(', ')}`,
      };
    if (!usable(kind))
      return {
        refused: `label "${label}" asks for ${kind}, which this repo does not allow (its CLIs: ${allowedText}); add it to the repo's agents or remove the label`,
      };
    if (kind === policy.kind) return { kind, model: chooseModel(policy, attemptsSpent) };
    const models = policy.chain.filter((entry) => entry.kind === kind);
    if (models.length === 0)
      return {
        refused: `label "${label}" asks for ${kind}, but agent.escalation names no ${kind} model; add one (e.g. "${vendorOf(kind)}:<model>")`,
      };
    return models[Math.min(attemptsSpent, models.length - 1)]!;
  }
  const crosses = policy.chain.some((entry) => entry.kind !== policy.kind && usable(entry.kind));
  if (!crosses) return { kind: policy.kind, model: chooseModel(policy, attemptsSpent) };
  const walk = policy.chain.filter((entry) => usable(entry.kind));
  return walk[Math.min(attemptsSpent, walk.length - 1)]!;
}

function vendorOf(kind: AgentKind): string {
  return Object.keys(VENDOR_KIND).find((vendor) => VENDOR_KIND[vendor] === kind) ?? kind;
}
