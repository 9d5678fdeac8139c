import { prAssignment } from './pr-assignment';

describe('prAssignment: what a session asks of the forge for its PR', () => {
  const none = { labels: [], reviewers: [], teamReviewers: [], assignees: [] };

  it("gives the repo's labels plus the session's own (checks-failing), once each, and its reviewers and assignees", () => {
    expect(
      prAssignment(
        {
          labels: ['nightshift', 'checks-failing'],
          reviewers: ['alice'],
          teamReviewers: ['platform'],
          assignees: ['bob'],
        },
        ['checks-failing'],
      ),
    ).toEqual({
      labels: ['nightshift', 'checks-failing'],
      reviewers: ['alice'],
      teamReviewers: ['platform'],
      assignees: ['bob'],
    });
  });

  it('asks for nothing a repo configured away', () => {
    expect(prAssignment(none)).toEqual({});
    expect(prAssignment(none, ['checks-failing'])).toEqual({ labels: ['checks-failing'] });
  });
});
