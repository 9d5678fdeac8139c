import { describeScope, type HostInfo, type HostView, type Pause } from '@nightshift/state';

import { formatTable } from './format-table';

/**
 * The hosts part of `nightshift status`: live hosts with their slots in use and why one takes no work (what its
 * runner says, or all slots busy), then hosts gone.
 */
export function formatHosts(view: HostView, now = Date.now(), fleetHold?: string): string {
  if (view.live.length === 0 && view.gone.length === 0) return 'No host has registered (is a session-runner running?).';
  const rows = [
    ...view.live.map((h) => [
      h.name,
      h.idleReason ? 'IDLE' : 'up',
      h.capabilities.join('+'),
      `${h.slotsBusy}/${h.slots}`,
      h.version,
      String(h.pid),
      ago(h.heartbeatAt, now),
      whyNoWork(h, fleetHold),
    ]),
    ...view.gone.map((h) => [
      h.name,
      'GONE',
      h.capabilities.join('+'),
      `-/${h.slots}`,
      h.version,
      String(h.pid),
      ago(h.heartbeatAt, now),
      'no heartbeat: its session-runner stopped or cannot reach Redis',
    ]),
  ];
  return formatTable(
    ['HOST', 'STATE', 'CAPABILITIES', 'SLOTS BUSY', 'VERSION', 'PID', 'LAST BEAT', 'NOT TAKING WORK BECAUSE'],
    rows,
  );
}

function whyNoWork(h: HostInfo, fleetHold: string | undefined): string {
  if (h.idleReason) return h.idleReason;
  return h.slotsBusy >= h.slots ? `all ${h.slots} slots busy` : (fleetHold ?? '');
}

/** Why no host gets new work whatever its own state: every agent account paused, or intake paused; else undefined. */
export function fleetHold(pauses: Pause[], accounts: readonly { name: string }[]): string | undefined {
  const accountPauses = accounts.map((a) =>
    pauses.find((p) => p.scope.kind === 'account' && p.scope.account === a.name),
  );
  if (accounts.length > 0 && accountPauses.every(Boolean))
    return `every agent account is paused (${accountPauses.map((p) => `${describeScope(p!.scope)}: ${p!.reason}`).join('; ')})`;
  const intake = pauses.find((p) => p.scope.kind === 'intake');
  return intake ? `intake paused: ${intake.reason}` : undefined;
}

export function ago(at: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(at)) / 1000));
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}
