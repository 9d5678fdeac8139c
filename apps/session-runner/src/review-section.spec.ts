import { formatReview } from './review-section';

const followUp = {
  trigger: 'feedback' as const,
  round: 1,
  of: 3,
  prNumber: 4,
  prUrl: 'local://api/pull/4',
  since: '2026-01-01T00:00:00Z',
};

describe('formatReview (the prompt part of a follow-up)', () => {
  it("quotes each note with its author, verdict and place, and the end of each failing check's log, bounded and redacted", () => {
    const secret = 'ghp_reviewLeak0123456789abcdef';
    process.env['GITHUB_TOKEN'] = secret;
    try {
      const log = `${'x'.repeat(9000)}\ntoken=${secret}\nFAIL: export streams`;
      const text = formatReview(
        followUp,
        {
          repo: 'api',
          number: 4,
          url: followUp.prUrl,
          head: 'agent/A-1',
          notes: [
            {
              kind: 'review_comment',
              author: 'rita',
              body: 'Stream it.\nNot in memory.',
              at: '2026-01-02T00:00:00Z',
              path: 'src/x.ts',
              line: 9,
              state: 'CHANGES_REQUESTED',
            },
          ],
          failedChecks: [{ name: 'unit', conclusion: 'failure', at: '2026-01-02T00:00:01Z', log, url: 'https://ci/1' }],
        },
        1000,
      );
      expect(text).toContain(
        'Follow-up round 1 of 3. Reviewers or CI asked for changes on its open pull request local://api/pull/4.',
      );
      expect(text).toContain(
        'Review review comment CHANGES_REQUESTED by rita on src/x.ts:9 (2026-01-02T00:00:00Z):\n> Stream it.\n> Not in memory.',
      );
      expect(text).toContain('CI check "unit" ended failure');
      expect(text).toContain('FAIL: export streams');
      expect(text).toContain('[…earlier output cut; full log at https://ci/1]');
      expect(text).not.toContain(secret);
      expect(Buffer.byteLength(text)).toBeLessThan(1800);
    } finally {
      delete process.env['GITHUB_TOKEN'];
    }
  });

  it('says so when a human sent the ticket back and the forge has nothing new', () => {
    const text = formatReview({ ...followUp, trigger: 'moved-back' }, undefined, 1000);
    expect(text).toContain('A human sent this ticket back for another pass');
    expect(text).toContain('No new review comments or failed checks were found');
  });
});
