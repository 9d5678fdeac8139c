import { exactLinearScore, LINEAR_MAX_COMPLEXITY as FAKE_MAX, scoreLinearQuery } from '@nightshift/testing-fakes';

import {
  COMPLEXITY_TARGET,
  LINEAR_MAX_COMPLEXITY,
  LINEAR_MAX_PAGE,
  linearCost,
  MUTATIONS,
  PAGED_DOCUMENTS,
  pageSizeFor,
} from './linear-documents';

// The same scorer the fake Linear refuses queries with: a document that passes here passes there.
describe("every GraphQL document the Linear adapter sends stays under Linear's complexity cap", () => {
  it('uses the cap Linear publishes', () => {
    expect(LINEAR_MAX_COMPLEXITY).toBe(FAKE_MAX);
    expect(COMPLEXITY_TARGET).toBeLessThan(LINEAR_MAX_COMPLEXITY);
  });

  it.each(PAGED_DOCUMENTS.map((d) => [d.operation, d] as const))(
    '%s: declared points per node match the scorer, and its largest page is under the cap with a margin',
    (_name, doc) => {
      expect(exactLinearScore(doc.query, { ...doc.largest, first: 1 })).toBeCloseTo(doc.pointsPerNode, 5);
      // The largest page the adapter can send: Linear's maximum page, cut down by the document's complexity.
      const page = pageSizeFor(doc, LINEAR_MAX_PAGE);
      const score = scoreLinearQuery(doc.query, { ...doc.largest, first: page });
      expect(score).toBeLessThanOrEqual(COMPLEXITY_TARGET);
      // What the adapter expects to be charged is what Linear charges: the exact score rounded up.
      expect(score).toBe(linearCost(page, doc));
    },
  );

  it.each(MUTATIONS.map((m) => [m.operation, m.query, m.cost] as const))(
    '%s: a mutation costs a few points, and the adapter counts what Linear charges for it',
    (_name, query, cost) => {
      expect(scoreLinearQuery(query)).toBeLessThan(10);
      expect(scoreLinearQuery(query)).toBe(cost);
    },
  );

  it('would catch a document over the cap (the check can fail)', () => {
    const heavy =
      'query H($first: Int!) { issues(first: $first) { nodes { id comments(first: 250) { nodes { body } } } } }';
    expect(scoreLinearQuery(heavy, { first: 100 })).toBeGreaterThan(LINEAR_MAX_COMPLEXITY);
  });
});
