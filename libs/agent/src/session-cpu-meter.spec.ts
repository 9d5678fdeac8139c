import { type ProcessCpu, ProcessIndex } from './process-cpu';
import { SessionCpuMeter } from './session-cpu-meter';

const LEADER = 100;
const table = (rows: Array<[pid: number, ppid: number, pgid: number, cpuMs: number]>) =>
  new ProcessIndex(rows.map(([pid, ppid, pgid, cpuMs]): ProcessCpu => ({ pid, ppid, pgid, cpuMs })));

describe('SessionCpuMeter: the agent and its foreground tool call, never its background', () => {
  it('leaves out a child started with no tool open, its descendants, and an orphan left in the group', () => {
    const meter = new SessionCpuMeter(LEADER, 100);
    // t=0: no tool open; a dev server (101) with a worker (102), and a daemon that double-forked (103, ppid 1).
    expect(
      meter.sampleFrom(
        table([
          [100, 1, 100, 50],
          [101, 100, 100, 0],
          [102, 101, 100, 0],
          [103, 1, 100, 0],
        ]),
        0,
        null,
      ),
    ).toBe(50);
    // t=1000: the background burns 900 ms; the agent idles.
    const used = meter.sampleFrom(
      table([
        [100, 1, 100, 50],
        [101, 100, 100, 300],
        [102, 101, 100, 300],
        [103, 1, 100, 300],
      ]),
      1000,
      null,
    );
    expect(used).toBe(50);
    expect(meter.counted).toEqual({ agent: LEADER, tool: [], background: [101, 102, 103] });
  });

  it('counts a child first seen while a tool call is open (and its own children), until that call closes', () => {
    const meter = new SessionCpuMeter(LEADER, 100);
    meter.sampleFrom(
      table([
        [100, 1, 100, 0],
        [101, 100, 100, 0],
      ]),
      0,
      null,
    ); // a background server
    // The tool opened at 950; its command (110) was first seen at 1000, with a child in its own group (111).
    const rows: Array<[number, number, number, number]> = [
      [100, 1, 100, 0],
      [101, 100, 100, 500],
      [110, 100, 100, 200],
      [111, 110, 111, 300],
    ];
    expect(meter.sampleFrom(table(rows), 1000, 950)).toBe(500);
    expect(meter.counted).toEqual({ agent: LEADER, tool: [110, 111], background: [101] });
    // The call closed; 110 lingers in the background and no longer counts.
    rows[2] = [110, 100, 100, 900];
    expect(meter.sampleFrom(table(rows), 2000, null)).toBe(500);
  });

  it('takes a child seen just before its tool_use was read as the call (within the slack), not one seen long before', () => {
    const meter = new SessionCpuMeter(LEADER, 100);
    meter.sampleFrom(
      table([
        [100, 1, 100, 0],
        [120, 100, 100, 0],
      ]),
      0,
      null,
    );
    meter.sampleFrom(
      table([
        [100, 1, 100, 0],
        [120, 100, 100, 0],
        [121, 100, 100, 0],
      ]),
      950,
      null,
    );
    meter.sampleFrom(
      table([
        [100, 1, 100, 0],
        [120, 100, 100, 100],
        [121, 100, 100, 100],
      ]),
      1100,
      1000,
    );
    expect(meter.counted).toEqual({ agent: LEADER, tool: [121], background: [120] });
  });

  it('says nothing was counted before a table could be read, and returns null for an unreadable one', () => {
    const meter = new SessionCpuMeter(LEADER, 100);
    expect(meter.sampleFrom(null, 0, null)).toBeNull();
    expect(meter.counted).toBeNull();
  });
});
