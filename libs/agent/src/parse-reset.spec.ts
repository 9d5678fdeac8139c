import { parseResetInstant } from './parse-reset';

const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('parseResetInstant', () => {
  it('reads the old epoch form as the instant itself', () => {
    expect(iso(parseResetInstant('Claude AI usage limit reached|1750708800', at('2025-06-23T15:00:00Z')))).toBe(
      '2025-06-23T20:00:00.000Z',
    );
  });

  it('returns null when there is no reset clause', () => {
    expect(
      parseResetInstant(
        'API Error: 429 {"type":"error","error":{"type":"rate_limit_error"}}',
        at('2026-01-15T12:00:00Z'),
      ),
    ).toBeNull();
    expect(parseResetInstant('resets 4 times a day', at('2026-01-15T12:00:00Z'))).toBeNull();
  });

  it('returns null for a zone that does not exist', () => {
    expect(parseResetInstant('resets 4am (Mars/Olympus)', at('2026-01-15T12:00:00Z'))).toBeNull();
  });

  it.each([
    // [message, now, expected]
    ["You've hit your limit · resets 4am (America/Chicago)", '2026-01-15T12:00:00Z', '2026-01-16T10:00:00.000Z'],
    ['Your limit will reset at 9am (America/Chicago).', '2026-01-15T12:00:00Z', '2026-01-15T15:00:00.000Z'],
    ['Your limit will reset at 3pm (America/Bogota).', '2026-01-15T12:00:00Z', '2026-01-15T20:00:00.000Z'],
    ['resets 6:30pm (Europe/Berlin)', '2026-01-15T12:00:00Z', '2026-01-15T17:30:00.000Z'],
    ['resets 1:30am (Asia/Kolkata)', '2026-01-15T12:00:00Z', '2026-01-15T20:00:00.000Z'],
    ['resets 5:30pm (Asia/Kolkata)', '2026-01-15T12:00:00Z', '2026-01-16T12:00:00.000Z'],
    ['resets 12am (America/Bogota)', '2026-01-15T12:00:00Z', '2026-01-16T05:00:00.000Z'],
    ['resets 12pm (America/Bogota)', '2026-01-15T12:00:00Z', '2026-01-15T17:00:00.000Z'],
    ['resets 12:15pm (UTC)', '2026-01-15T12:00:00Z', '2026-01-15T12:15:00.000Z'],
  ])('%s at %s -> %s', (message, now, expected) => {
    expect(iso(parseResetInstant(message, at(now)))).toBe(expected);
  });

  it('rolls to the next day when now is exactly at or just past the hour', () => {
    // 4am in Chicago on Jan 15 is 10:00Z.
    expect(iso(parseResetInstant('resets 4am (America/Chicago)', at('2026-01-15T10:00:00Z')))).toBe(
      '2026-01-16T10:00:00.000Z',
    );
    expect(iso(parseResetInstant('resets 4am (America/Chicago)', at('2026-01-15T10:00:01Z')))).toBe(
      '2026-01-16T10:00:00.000Z',
    );
    expect(iso(parseResetInstant('resets 4am (America/Chicago)', at('2026-01-15T09:59:59Z')))).toBe(
      '2026-01-15T10:00:00.000Z',
    );
  });

  it('crosses the spring-forward change with the new offset', () => {
    // Noon CST on Mar 7 2026; clocks go to CDT (-05:00) at 2am on Mar 8.
    expect(iso(parseResetInstant('resets 3am (America/Chicago)', at('2026-03-07T18:00:00Z')))).toBe(
      '2026-03-08T08:00:00.000Z',
    );
    // Europe/Berlin springs forward on Mar 29 2026: 9am CEST is 07:00Z.
    expect(iso(parseResetInstant('resets 9am (Europe/Berlin)', at('2026-03-28T12:00:00Z')))).toBe(
      '2026-03-29T07:00:00.000Z',
    );
  });

  it('crosses the fall-back change with the new offset', () => {
    // Noon CDT on Oct 31 2026; clocks go back to CST (-06:00) at 2am on Nov 1.
    expect(iso(parseResetInstant('resets 3am (America/Chicago)', at('2026-10-31T17:00:00Z')))).toBe(
      '2026-11-01T09:00:00.000Z',
    );
  });

  it('on the fall-back night, takes the first repeat of a wall-clock time still ahead', () => {
    // 1:30am happens at 06:30Z (CDT) and again at 07:30Z (CST) on Nov 1 2026.
    expect(iso(parseResetInstant('resets 1:30am (America/Chicago)', at('2026-11-01T06:15:00Z')))).toBe(
      '2026-11-01T06:30:00.000Z',
    );
    expect(iso(parseResetInstant('resets 1:30am (America/Chicago)', at('2026-11-01T06:45:00Z')))).toBe(
      '2026-11-01T07:30:00.000Z',
    );
    expect(iso(parseResetInstant('resets 1:30am (America/Chicago)', at('2026-11-01T07:45:00Z')))).toBe(
      '2026-11-02T07:30:00.000Z',
    );
  });

  it('in the spring-forward gap, a missing wall-clock time resets when the clock reaches it', () => {
    // 2:30am does not exist on Mar 8 2026 in Chicago: 2am CST jumps to 3am CDT (08:00Z).
    expect(iso(parseResetInstant('resets 2:30am (America/Chicago)', at('2026-03-08T07:00:00Z')))).toBe(
      '2026-03-08T08:30:00.000Z',
    );
  });

  it('uses the given default zone when the clause names none', () => {
    expect(iso(parseResetInstant('resets at 2am', at('2026-01-15T12:00:00Z'), 'Europe/Berlin'))).toBe(
      '2026-01-16T01:00:00.000Z',
    );
  });

  it('reads a dated clause (weekly limits) in the named zone', () => {
    expect(iso(parseResetInstant('resets Jan 20, 10am (Asia/Kolkata)', at('2026-01-15T12:00:00Z')))).toBe(
      '2026-01-20T04:30:00.000Z',
    );
    expect(iso(parseResetInstant('resets Jan 2, 10am (Asia/Kolkata)', at('2026-01-15T12:00:00Z')))).toBe(
      '2027-01-02T04:30:00.000Z',
    );
  });
});
