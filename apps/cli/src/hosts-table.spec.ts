import { formatHosts } from './hosts-table';

const base = { capabilities: ['linux', 'mobile'], slots: 4, version: '0.1.0', pid: 42, startedAt: '2026-01-01T00:00:00Z' };

describe('formatHosts', () => {
  it('shows live hosts with slots in use and gone hosts with their last beat', () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    const text = formatHosts(
      { live: [{ ...base, name: 'mac-1', slotsBusy: 3, heartbeatAt: '2026-01-01T00:09:58Z' }], gone: [{ ...base, name: 'linux-2', slotsBusy: 1, heartbeatAt: '2026-01-01T00:05:00Z' }] },
      now,
    );
    const [header, up, gone] = text.split('\n');
    expect(header).toMatch(/HOST\s+STATE\s+CAPABILITIES\s+SLOTS BUSY/);
    expect(up).toMatch(/mac-1\s+up\s+linux\+mobile\s+3\/4\s+0\.1\.0\s+42\s+2s ago/);
    expect(gone).toMatch(/linux-2\s+GONE\s+linux\+mobile\s+-\/4\s+.*5m ago/);
  });

  it('says when no host registered', () => {
    expect(formatHosts({ live: [], gone: [] })).toMatch(/No host has registered/);
  });
});
