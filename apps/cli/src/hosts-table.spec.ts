import type { Pause } from '@nightshift/state';

import { fleetHold, formatHosts } from './hosts-table';

const base = {
  capabilities: ['linux', 'mobile'],
  slots: 4,
  version: '0.1.0',
  pid: 42,
  startedAt: '2026-01-01T00:00:00Z',
};

describe('formatHosts', () => {
  it('shows live hosts with slots in use and gone hosts with their last beat', () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    const text = formatHosts(
      {
        live: [{ ...base, name: 'mac-1', slotsBusy: 3, heartbeatAt: '2026-01-01T00:09:58Z' }],
        gone: [{ ...base, name: 'linux-2', slotsBusy: 1, heartbeatAt: '2026-01-01T00:05:00Z' }],
      },
      now,
    );
    const [header, up, gone] = text.split('\n');
    expect(header).toMatch(/HOST\s+STATE\s+CAPABILITIES\s+SLOTS BUSY/);
    expect(up).toMatch(/mac-1\s+up\s+linux\+mobile\s+3\/4\s+0\.1\.0\s+42\s+2s ago/);
    expect(gone).toMatch(/linux-2\s+GONE\s+linux\+mobile\s+-\/4\s+.*5m ago\s+no heartbeat/);
  });

  it('says why a live host takes no work: what its runner reports, or every slot busy', () => {
    const beat = { ...base, heartbeatAt: '2026-01-01T00:00:00Z' };
    const text = formatHosts({
      live: [
        { ...beat, name: 'linux-1', slotsBusy: 0, idleReason: 'agent command "claude" not found or not executable' },
        { ...beat, name: 'linux-2', slotsBusy: 4 },
      ],
      gone: [],
    });
    const [header, idle, busy] = text.split('\n');
    expect(header).toMatch(/NOT TAKING WORK BECAUSE$/);
    expect(idle).toMatch(/^linux-1\s+IDLE\s.*agent command "claude" not found or not executable$/);
    expect(busy).toMatch(/^linux-2\s+up\s.*all 4 slots busy$/);
  });

  it('says when no host registered', () => {
    expect(formatHosts({ live: [], gone: [] })).toMatch(/No host has registered/);
  });

  it('names what holds every host: all agent accounts paused, or intake paused', () => {
    const pause = (scope: Pause['scope'], reason: string): Pause => ({
      scope,
      reason,
      until: null,
      by: 'cli',
      since: '',
    });
    const accounts = [{ name: 'a' }, { name: 'b' }];
    const limited = [
      pause({ kind: 'account', account: 'a' }, 'rate limited'),
      pause({ kind: 'account', account: 'b' }, 'not logged in'),
    ];
    expect(fleetHold(limited, accounts)).toBe(
      'every agent account is paused (agent account a: rate limited; agent account b: not logged in)',
    );
    expect(fleetHold(limited.slice(0, 1), accounts)).toBeUndefined();
    expect(fleetHold([pause({ kind: 'intake' }, 'deploy freeze')], accounts)).toBe('intake paused: deploy freeze');
    const beat = { ...base, heartbeatAt: '2026-01-01T00:00:00Z', slotsBusy: 0 };
    expect(formatHosts({ live: [{ ...beat, name: 'linux-1' }], gone: [] }, Date.now(), 'intake paused: x')).toMatch(
      /^linux-1\s+up\s.*intake paused: x$/m,
    );
  });
});
