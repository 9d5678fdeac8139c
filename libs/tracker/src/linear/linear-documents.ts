/*
 * Every request the Linear adapter makes, as one GraphQL document each, shaped for its job and
 * priced the way Linear prices it (each property 0.1 point, each object 1, a connection multiplies
 * its children by `first`). Issues are read with everything a job needs in the same request, never
 * through the SDK's lazy relations (one request per field per ticket).
 */

/** Linear refuses any single query above this many complexity points. */
export const LINEAR_MAX_COMPLEXITY = 10_000;
/** Requests are sized to stay under this (80 % of the cap): the margin absorbs a scoring detail we read differently. */
export const COMPLEXITY_TARGET = 8_000;
/** Linear's largest page. */
export const LINEAR_MAX_PAGE = 250;

/** A document, its operation name, and what one unit of `$first` costs in it (checked against the scorer by a test). */
export interface LinearDocument {
  operation: string;
  query: string;
  /** Complexity points per issue of `$first` (the whole query sits under one connection, so its cost is first × this). */
  pointsPerNode: number;
  /** The variables besides `$first` that make the query as costly as the adapter ever sends it. */
  largest: Record<string, unknown>;
}

/** What Linear charges for one request of `doc` asking `first` nodes: its score rounded up to a whole point. */
export function linearCost(first: number, doc: LinearDocument): number {
  // Scores are whole tenths: round them first so 3 × 1.1 is 3.3, not 3.3000000000000003 (charged 4 either way).
  return Math.ceil(Math.round(first * doc.pointsPerNode * 10) / 10);
}

/** A mutation selecting one property of one object: 1.1 points, charged 2 (Linear rounds up). */
export const MUTATION_COST = 2;
/** issueLabelCreate also selects the new label's id: 2.2 points, charged 3. */
export const CREATE_LABEL_COST = 3;

/** The largest page that keeps a document under COMPLEXITY_TARGET (and within Linear's 250), at most `cap`. */
export function pageSizeFor(doc: LinearDocument, cap = LINEAR_MAX_PAGE): number {
  return Math.max(1, Math.min(cap, LINEAR_MAX_PAGE, Math.floor(COMPLEXITY_TARGET / doc.pointsPerNode)));
}

/** Keys and change stamps of the issues in the queue states: what a poll reads every time (2.4 points an issue). */
export const CANDIDATE_KEYS: LinearDocument = {
  operation: 'NightshiftCandidateKeys',
  pointsPerNode: 2.4,
  largest: {},
  query: /* GraphQL */ `
    query NightshiftCandidateKeys($filter: IssueFilter, $first: Int!, $after: String) {
      issues(filter: $filter, first: $first, after: $after, orderBy: createdAt) {
        nodes {
          identifier
          updatedAt
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  `,
};

/** How many labels and blocking relations a candidate carries (more are cut off: rare, and the full ticket is read before dispatch). */
export const CANDIDATE_LABELS = 20;
export const CANDIDATE_RELATIONS = 10;

/**
 * What routing and dispatch order need, for the candidates that are new or changed since the last
 * poll: title, description (routing keywords), labels, state, priority, blockers. No comments.
 */
export const CANDIDATES: LinearDocument = {
  operation: 'NightshiftCandidates',
  pointsPerNode: 62.4,
  largest: {},
  query: /* GraphQL */ `
    query NightshiftCandidates($filter: IssueFilter, $first: Int!, $after: String) {
      issues(filter: $filter, first: $first, after: $after) {
        nodes {
          id identifier number title description priority createdAt updatedAt url
          state { name }
          team { id key }
          labels(first: ${CANDIDATE_LABELS}) { nodes { name } }
          inverseRelations(first: ${CANDIDATE_RELATIONS}) { nodes { type issue { id identifier state { name type } } } }
        }
        pageInfo { hasNextPage endCursor }
      }
    }
  `,
};

/** Current states of the open blockers of cached candidates (a blocker closing does not touch the blocked issue). */
export const BLOCKER_STATES: LinearDocument = {
  operation: 'NightshiftBlockerStates',
  pointsPerNode: 3.5,
  largest: {},
  query: /* GraphQL */ `
    query NightshiftBlockerStates($filter: IssueFilter, $first: Int!, $after: String) {
      issues(filter: $filter, first: $first, after: $after) {
        nodes {
          id
          state {
            name
            type
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  `,
};

/** State names of known issues (reconciliation). */
export const STATES_OF: LinearDocument = {
  operation: 'NightshiftStatesOf',
  pointsPerNode: 3.4,
  largest: {},
  query: /* GraphQL */ `
    query NightshiftStatesOf($filter: IssueFilter, $first: Int!, $after: String) {
      issues(filter: $filter, first: $first, after: $after) {
        nodes {
          identifier
          state {
            name
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  `,
};

/** Comments of the one ticket being dispatched or finished (Linear's largest page). */
export const TICKET_COMMENTS = 250;

/** One ticket in full, when it is dispatched or finished: description, labels, blockers and every comment (first: 1). */
export const TICKET: LinearDocument = {
  operation: 'NightshiftTicket',
  pointsPerNode: 636.2,
  largest: {},
  query: /* GraphQL */ `
    query NightshiftTicket($filter: IssueFilter, $first: Int!) {
      issues(filter: $filter, first: $first) {
        nodes {
          id identifier number title description priority createdAt updatedAt url
          state { name }
          team { id key }
          labels(first: ${CANDIDATE_LABELS}) { nodes { name } }
          inverseRelations(first: ${CANDIDATE_RELATIONS}) { nodes { type issue { id identifier state { name type } } } }
          comments(first: ${TICKET_COMMENTS}) { nodes { body createdAt user { name } } }
        }
      }
    }
  `,
};

/** The ids a move or comment needs, for an issue no read has returned yet. */
export const ISSUE_REF: LinearDocument = {
  operation: 'NightshiftIssueRef',
  pointsPerNode: 2.4,
  largest: {},
  query: /* GraphQL */ `
    query NightshiftIssueRef($filter: IssueFilter, $first: Int!) {
      issues(filter: $filter, first: $first) {
        nodes {
          id
          identifier
          team {
            id
            key
          }
        }
      }
    }
  `,
};

/** The workflow states of the configured teams (cached: they change rarely). */
export const WORKFLOW_STATES: LinearDocument = {
  operation: 'NightshiftStates',
  pointsPerNode: 3.7,
  largest: { teams: ['ENG'] },
  query: /* GraphQL */ `
    query NightshiftStates($teams: [String!], $first: Int!, $after: String) {
      workflowStates(filter: { team: { key: { in: $teams } } }, first: $first, after: $after) {
        nodes {
          id
          name
          type
          team {
            id
            key
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  `,
};

export const FIND_LABEL: LinearDocument = {
  operation: 'NightshiftLabel',
  pointsPerNode: 3.6,
  largest: { name: 'nightshift' },
  query: /* GraphQL */ `
    query NightshiftLabel($name: String!, $first: Int!, $after: String) {
      issueLabels(filter: { name: { eqIgnoreCase: $name } }, first: $first, after: $after) {
        nodes {
          id
          name
          team {
            id
            key
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  `,
};

export const MOVE_MUTATION = /* GraphQL */ `
  mutation NightshiftMove($id: String!, $stateId: String!) {
    issueUpdate(id: $id, input: { stateId: $stateId }) {
      success
    }
  }
`;

export const COMMENT_MUTATION = /* GraphQL */ `
  mutation NightshiftComment($issueId: String!, $body: String!) {
    commentCreate(input: { issueId: $issueId, body: $body }) {
      success
    }
  }
`;

export const CREATE_LABEL_MUTATION = /* GraphQL */ `
  mutation NightshiftCreateLabel($name: String!, $teamId: String!) {
    issueLabelCreate(input: { name: $name, teamId: $teamId }) {
      success
      issueLabel {
        id
      }
    }
  }
`;

export const ADD_LABEL_MUTATION = /* GraphQL */ `
  mutation NightshiftAddLabel($id: String!, $labelId: String!) {
    issueAddLabel(id: $id, labelId: $labelId) {
      success
    }
  }
`;

/** The mutations, each a fixed shape (no connection) with what Linear charges for it: checked against the scorer. */
export const MUTATIONS: Array<{ operation: string; query: string; cost: number }> = [
  { operation: 'NightshiftMove', query: MOVE_MUTATION, cost: MUTATION_COST },
  { operation: 'NightshiftComment', query: COMMENT_MUTATION, cost: MUTATION_COST },
  { operation: 'NightshiftCreateLabel', query: CREATE_LABEL_MUTATION, cost: CREATE_LABEL_COST },
  { operation: 'NightshiftAddLabel', query: ADD_LABEL_MUTATION, cost: MUTATION_COST },
];

/** Every paginated read, for the complexity test. */
export const PAGED_DOCUMENTS: LinearDocument[] = [
  CANDIDATE_KEYS,
  CANDIDATES,
  BLOCKER_STATES,
  STATES_OF,
  TICKET,
  ISSUE_REF,
  WORKFLOW_STATES,
  FIND_LABEL,
];

/** An issue node as CANDIDATES and TICKET return it (comments only in TICKET). */
export interface IssueNode {
  id: string;
  identifier: string;
  number: number;
  title: string;
  description: string | null;
  priority: number;
  createdAt: string;
  updatedAt: string;
  url: string;
  state: { name: string };
  team: { id: string; key: string };
  labels: { nodes: Array<{ name: string }> };
  inverseRelations: {
    nodes: Array<{ type: string; issue: { id: string; identifier: string; state: { name: string; type: string } } }>;
  };
  comments?: { nodes: Array<{ body: string; createdAt: string; user: { name: string } | null }> };
}

/** A page of a connection, as every paged document returns it. */
export interface Connection<N> {
  nodes: N[];
  pageInfo?: { hasNextPage: boolean; endCursor: string | null };
}
