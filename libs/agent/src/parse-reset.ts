import { DateTime, IANAZone } from 'luxon';

/** Old CLIs: `Claude AI usage limit reached|1750708800` (the number is the reset instant in unix seconds). */
const EPOCH = /usage limit reached\s*\|\s*(\d{9,11})\b/i;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * `resets 4am (America/Chicago)`, `reset at 9am (America/Chicago)`, `resets 6:30pm (Europe/Berlin)`,
 * `resets Oct 9, 10am (Asia/Kolkata)` (weekly limits name the day), `resets at 2am` (no zone).
 */
const WALL_CLOCK =
  /\b(?:resets?|try again)\s+(?:at\s+)?(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(?:(\d{4}),?\s+)?(?:at\s+)?)?(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)?(?:\s*\(\s*([A-Za-z][A-Za-z0-9_+\-/]*)\s*\))?/i;

/**
 * The instant a usage limit resets, from the CLI's message; null when the text has no reset clause or names a
 * zone that does not exist (the caller then backs off by a default delay).
 *
 * A wall-clock clause means the next such instant strictly after `now` in that IANA zone (luxon does the DST
 * arithmetic). `defaultZone` applies when the clause names no zone; it defaults to the machine's zone, the one
 * the CLI prints in.
 */
export function parseResetInstant(text: string, now: Date, defaultZone?: string): Date | null {
  const epoch = EPOCH.exec(text);
  if (epoch) return new Date(Number(epoch[1]) * 1000);
  const after = relativeReset(text);
  if (after !== null) return new Date(now.getTime() + after);

  const match = WALL_CLOCK.exec(text);
  if (!match) return null;
  const [, monthName, dayText, yearText, hourText, minuteText, meridiem, zoneText] = match;
  if (!meridiem && minuteText === undefined) return null; // "resets 4" is not a time
  let hour = Number(hourText);
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  if (minute > 59) return null;
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    const pm = meridiem.toLowerCase().startsWith('p');
    hour = (hour % 12) + (pm ? 12 : 0);
  } else if (hour > 23) {
    return null;
  }

  const zone = zoneText ?? defaultZone ?? DateTime.local().zoneName;
  if (!zone || !IANAZone.isValidZone(zone)) return null;
  const nowInZone = DateTime.fromJSDate(now, { zone });

  if (monthName && dayText) {
    const month = MONTHS.indexOf(monthName.toLowerCase()) + 1;
    const day = Number(dayText);
    for (const year of yearText ? [Number(yearText)] : [nowInZone.year, nowInZone.year + 1]) {
      const candidate = DateTime.fromObject({ year, month, day, hour, minute }, { zone });
      if (candidate.isValid && candidate > nowInZone) return candidate.toJSDate();
    }
    return null;
  }

  for (let days = 0; days <= 2; days++) {
    const date = nowInZone.startOf('day').plus({ days });
    const candidate = DateTime.fromObject(
      { year: date.year, month: date.month, day: date.day, hour, minute },
      { zone },
    );
    // On a fall-back night the same wall-clock time happens twice and luxon picks one of them: consider both.
    // (In a spring-forward gap luxon moves the time forward, which is when the reset really happens.)
    const sameWallClock = [candidate.minus({ hours: 1 }), candidate.plus({ hours: 1 })].filter(
      (c) => c.hour === hour && c.minute === minute,
    );
    const ahead = [candidate, ...sameWallClock]
      .filter((c) => c > nowInZone)
      .sort((a, b) => a.toMillis() - b.toMillis());
    if (ahead.length > 0) return ahead[0].toJSDate();
  }
  return null;
}

/**
 * Codex: `try again in 5 days 22 hours 11 minutes`; Gemini: `Your quota will reset after 8h44m7s`,
 * `Please retry in 37.510451s`. Milliseconds from now, or null when the text states no such delay.
 */
function relativeReset(text: string): number | null {
  const words = /\btry again in ((?:\d+\s*(?:days?|hours?|minutes?|seconds?)[\s,and]*)+)/i.exec(text);
  if (words) {
    let ms = 0;
    for (const [, n, unit] of words[1]!.matchAll(/(\d+)\s*(day|hour|minute|second)/gi))
      ms += Number(n) * UNIT_MS[unit!.toLowerCase()[0]!]!;
    return ms;
  }
  const compact = /\b(?:reset after|retry in)\s+((?:\d+(?:\.\d+)?(?:ms|h|m|s))+)/i.exec(text);
  if (!compact) return null;
  let ms = 0;
  for (const [, n, unit] of compact[1]!.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g))
    ms += unit === 'ms' ? Number(n) : Number(n) * UNIT_MS[unit!]!;
  return Math.ceil(ms);
}

const UNIT_MS: Readonly<Record<string, number>> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
