import { classifyOutcome } from './classify-outcome';
import { readStallLine, stallLogLine } from './stall-log-line';
import type { StallVerdict } from './stall-watchdog';
import { parseStreamJson } from './stream-events';

const VERDICT: StallVerdict = {
  cause: 'tool_overdue',
  reason: 'tool Bash open past its limit (open 661 s; limit 600 s + 60 s margin); no CPU used in the last 60 s',
  lastSeen: 'open tool: Bash `curl -s https://api.example.test/v1 | grep "429 rate_limit_error"`',
  silentMs: 661_000,
  tool: { name: 'Bash', command: 'curl …', openMs: 661_000, limitMs: 600_000 },
};

describe('the stall line of a run log', () => {
  const log = [
    '{"type":"system","subtype":"init","session_id":"s1"}',
    '{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"curl"}}]}}',
    stallLogLine(VERDICT),
  ].join('\n');

  it('round-trips the verdict, and a log without one has none', () => {
    expect(readStallLine(log)).toEqual(VERDICT);
    expect(readStallLine(log.split('\n').slice(0, 2).join('\n'))).toBeUndefined();
    expect(readStallLine('{"type":"nightshift_stall", broken')).toBeUndefined();
  });

  it('classifies as stalled with the reason and what was seen last; the quoted command is not read as an error', () => {
    const got = classifyOutcome({
      exitCode: null,
      signal: 'SIGTERM',
      durationMs: 700_000,
      timedOut: false,
      stall: readStallLine(log),
      text: log,
      events: parseStreamJson(log),
      now: new Date(),
    });
    expect(got.outcome).toBe('stalled');
    expect(got.reason).toMatch(
      /^stalled: tool Bash open past its limit \(open 661 s; .*; last seen: open tool: Bash `curl -s .*`; killed after 12 min$/,
    );
  });
});
