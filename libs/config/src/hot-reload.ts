import type { NightshiftConfig } from './load-config';

/**
 * Keys a running service takes without a restart: the services read them when they use them (per
 * intake job, per session, per launch), so changing them in place is enough. `hosts[name].slots` is
 * applied by the session-runner itself (it resizes its slots). Any other change is reported as
 * needing a restart and is not applied, so a service never runs on half of a change it cannot take.
 */
export const HOT_KEYS = [
  'routing.batchSize',
  'routing.dispatchLookahead',
  'routing.maxAttempts',
  'routing.claimLeaseSec',
  'routing.retryDelaySec',
  'routing.maxInfraRetries',
  'routing.strandedAfterSec',
  'repos',
  'hosts[].slots',
  'agent.model',
  'agent.escalationModel',
  'agent.escalateAfter',
  'agent.maxTurns',
  'agent.sessionTimeoutMin',
  'agent.fastFailSec',
  'agent.afterResultGraceSec',
  'agent.stallTimeoutSec',
  'agent.toolTimeoutMaxSec',
  'agent.toolTimeoutMarginSec',
  'agent.busyCpuPercent',
  'agent.rateLimitBackoffMin',
  'agent.maxPromptTokens',
  'hooks.timeoutSec',
  'budgets',
  'intake',
  'followUp',
] as const;

export interface ConfigChange {
  /** Keys changed and applied in place. */
  applied: string[];
  /** Keys changed that a running service cannot take: they wait for a restart. */
  needsRestart: string[];
}

/** What differs between two validated configs, by key, split into what can be applied live and what cannot. */
export function diffConfig(current: NightshiftConfig, next: NightshiftConfig): ConfigChange {
  const applied: string[] = [];
  const needsRestart: string[] = [];
  const currentHosts = new Map(current.hosts.map((h) => [h.name, h]));
  const sameHostsButSlots =
    current.hosts.length === next.hosts.length &&
    next.hosts.every(
      (h) => currentHosts.has(h.name) && same({ ...currentHosts.get(h.name)!, slots: 0 }, { ...h, slots: 0 }),
    );
  for (const key of new Set([...Object.keys(current), ...Object.keys(next)])) {
    const a = (current as unknown as Record<string, unknown>)[key];
    const b = (next as unknown as Record<string, unknown>)[key];
    if (same(a, b) || key === 'file') continue;
    if (key === 'hosts') {
      if (!sameHostsButSlots) needsRestart.push('hosts');
      else
        applied.push(
          ...next.hosts.filter((h) => currentHosts.get(h.name)!.slots !== h.slots).map((h) => `hosts[${h.name}].slots`),
        );
    } else if (isHot(key)) {
      applied.push(key);
    } else if (isObject(a) && isObject(b)) {
      for (const sub of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (same(a[sub], b[sub])) continue;
        (isHot(`${key}.${sub}`) ? applied : needsRestart).push(`${key}.${sub}`);
      }
    } else {
      needsRestart.push(key);
    }
  }
  return { applied, needsRestart };
}

/** Writes the applicable part of `change` into `current` in place (every holder of `current` sees it). */
export function applyConfigChange(current: NightshiftConfig, next: NightshiftConfig, change: ConfigChange): void {
  const target = current as unknown as Record<string, Record<string, unknown>>;
  const source = next as unknown as Record<string, Record<string, unknown>>;
  for (const key of change.applied) {
    const slots = /^hosts\[(.+)\]\.slots$/.exec(key);
    if (slots) {
      current.hosts.find((h) => h.name === slots[1])!.slots = next.hosts.find((h) => h.name === slots[1])!.slots;
    } else if (key.includes('.')) {
      const [section, sub] = key.split('.') as [string, string];
      target[section]![sub] = source[section]![sub];
    } else {
      target[key] = source[key]!;
    }
  }
}

function isHot(key: string): boolean {
  return (HOT_KEYS as readonly string[]).includes(key);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
