import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import {
  CLAUDE_CODE_FIXTURES,
  type FixtureExpectation as Expected,
  loadFixtureExpectations,
} from '@nightshift/testing-fakes';
import { DateTime } from 'luxon';

import { REPO_ROOT } from './harness';

const FIXTURES = CLAUDE_CODE_FIXTURES;
const CLI = path.join(REPO_ROOT, 'apps/cli/dist/main.js');
const NOW = '2026-03-07T18:00:00Z'; // the day before US DST starts: "resets 4am (America/Chicago)" lands after the change

/** The next wall-clock hh:mm in `zone` strictly after `now`, computed independently with luxon. */
function nextLocal(now: string, local: { hour: number; minute: number; zone: string }): string {
  const start = DateTime.fromISO(now, { zone: local.zone });
  let candidate = start.set({ hour: local.hour, minute: local.minute, second: 0, millisecond: 0 });
  if (candidate <= start) candidate = candidate.plus({ days: 1 }).set({ hour: local.hour, minute: local.minute });
  return candidate.toUTC().toISO({ suppressMilliseconds: true })!.replace('.000', '');
}

describe('nightshift classify on the real-world fixtures', () => {
  const expected = loadFixtureExpectations();

  it.each(Object.entries(expected))('%s → %j', async (file, want) => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      CLI,
      'classify',
      path.join(FIXTURES, file),
      '--now',
      NOW,
    ]);
    const got = JSON.parse(stdout) as {
      outcome: string;
      resetsAt: string | null;
      reason: string;
      tokens: Expected['tokens'];
      costUsd: number | null;
    };
    expect(got.outcome).toBe(want.outcome);
    expect(got.reason.length).toBeGreaterThan(0);
    if (want.resetsAt !== undefined)
      expect(got.resetsAt === null ? null : new Date(got.resetsAt).toISOString()).toBe(
        want.resetsAt === null ? null : new Date(want.resetsAt).toISOString(),
      );
    if (want.resetsAtLocal)
      expect(new Date(got.resetsAt!).toISOString()).toBe(new Date(nextLocal(NOW, want.resetsAtLocal)).toISOString());
    if (want.tokens) expect(got.tokens).toEqual(want.tokens);
    if (want.costUsd !== undefined) expect(got.costUsd).toBeCloseTo(want.costUsd, 6);
  });

  it('crosses the DST change: 4am Chicago on 2026-03-08 is 09:00Z (CDT), not 10:00Z', () => {
    expect(new Date(nextLocal(NOW, { hour: 4, minute: 0, zone: 'America/Chicago' })).toISOString()).toBe(
      '2026-03-08T09:00:00.000Z',
    );
  });

  it('says what is wrong with a bad --now', async () => {
    const failed = await promisify(execFile)(process.execPath, [
      CLI,
      'classify',
      path.join(FIXTURES, 'success.jsonl'),
      '--now',
      'yesterday',
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('--now "yesterday" is not an ISO date-time');
  });
});
