import { FakeLinear } from '@nightshift/testing-fakes';
import { DEFAULT_WORKFLOW_STATES, LinearTracker } from '@nightshift/tracker';
import { Registry } from 'prom-client';

import { withTrackerMetrics } from './tracker-metrics';

const KEY = 'lin_api_metrics_spec_0123456789';

describe('withTrackerMetrics', () => {
  let fake: FakeLinear;
  let apiUrl: string;
  beforeEach(async () => {
    fake = new FakeLinear({ apiKey: KEY, teams: ['ENG'], limits: { maxComplexity: 100, complexityPerHour: 5000 } });
    apiUrl = await fake.start();
    fake.createIssue({ team: 'ENG', title: 'x', state: 'Agent Queue' });
  });
  afterEach(() => fake.stop());

  it('exports the budget Linear reported, and counts a too-complex refusal by its own reason', async () => {
    const registry = new Registry();
    const tracker = withTrackerMetrics(
      new LinearTracker({
        apiKey: KEY,
        tokenEnv: 'LINEAR_API_KEY',
        apiUrl,
        teams: [{ key: 'ENG' }],
        states: DEFAULT_WORKFLOW_STATES,
      }),
      registry,
    );
    expect(await tracker.statesOf!(['ENG-1'])).toEqual(new Map([['ENG-1', 'Agent Queue']]));
    expect(
      tracker.budget!()
        .map((b) => b.kind)
        .sort(),
    ).toEqual(['complexity', 'requests']);
    const text = await registry.metrics();
    expect(text).toMatch(/nightshift_tracker_budget_remaining\{tracker="linear",kind="requests"\} 4999/);
    const complexity = Number(
      /nightshift_tracker_budget_remaining\{tracker="linear",kind="complexity"\} ([\d.]+)/.exec(text)?.[1],
    );
    expect(complexity).toBeGreaterThan(4990);
    expect(complexity).toBeLessThan(5000);

    // The key listing at a page of 250 is 600 points: over this fake's cap of 100.
    await expect(tracker.listByStates(['Agent Queue'])).rejects.toThrow(
      /refused the query NightshiftCandidateKeys as too complex: 600 points/,
    );
    expect(await registry.metrics()).toMatch(
      /nightshift_tracker_errors_total\{tracker="linear",operation="list",reason="too_complex"\} 1/,
    );
  });
});
