import type { HostView } from '@nightshift/state';
import { formatTable } from './format-table';

/** The hosts part of `nightshift status`: live hosts with their slots in use, then hosts gone. */
export function formatHosts(view: HostView, now = Date.now()): string {
  if (view.live.length === 0 && view.gone.length === 0) return 'No host has registered (is a session-runner running?).';
  const rows = [
    ...view.live.map((h) => [h.name, 'up', h.capabilities.join('+'), `${h.slotsBusy}/${h.slots}`, h.version, String(h.pid), ago(h.heartbeatAt, now)]),
    ...view.gone.map((h) => [h.name, 'GONE', h.capabilities.join('+'), `-/${h.slots}`, h.version, String(h.pid), ago(h.heartbeatAt, now)]),
  ];
  return formatTable(['HOST', 'STATE', 'CAPABILITIES', 'SLOTS BUSY', 'VERSION', 'PID', 'LAST BEAT'], rows);
}

function ago(at: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(at)) / 1000));
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}
