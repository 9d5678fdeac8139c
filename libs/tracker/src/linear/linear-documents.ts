/*
 * Every request the Linear adapter makes, as one GraphQL document each. Issues are read with all the
 * fields Nightshift needs in the same request (state, team, labels, blockers, comments), never
 * through the SDK's lazy relations, which cost one request per field per ticket.
 */

/** One page of issues matching a filter, with everything a candidate needs. */
export const ISSUES_QUERY = /* GraphQL */ `
  query NightshiftIssues($filter: IssueFilter, $first: Int!, $after: String, $comments: Int!) {
    issues(filter: $filter, first: $first, after: $after, orderBy: createdAt) {
      nodes {
        id
        identifier
        number
        title
        description
        priority
        createdAt
        updatedAt
        url
        state { id name type }
        team { id key }
        labels(first: 50) { nodes { name } }
        inverseRelations(first: 50) { nodes { type issue { identifier state { name type } } } }
        comments(first: $comments) { nodes { body createdAt user { name } } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/** The workflow states of the configured teams (cached: they change rarely). */
export const STATES_QUERY = /* GraphQL */ `
  query NightshiftStates($teams: [String!]) {
    workflowStates(filter: { team: { key: { in: $teams } } }, first: 250) {
      nodes { id name type team { id key } }
    }
  }
`;

export const MOVE_MUTATION = /* GraphQL */ `
  mutation NightshiftMove($id: String!, $stateId: String!) {
    issueUpdate(id: $id, input: { stateId: $stateId }) { success }
  }
`;

export const COMMENT_MUTATION = /* GraphQL */ `
  mutation NightshiftComment($issueId: String!, $body: String!) {
    commentCreate(input: { issueId: $issueId, body: $body }) { success }
  }
`;

export const FIND_LABEL_QUERY = /* GraphQL */ `
  query NightshiftLabel($name: String!) {
    issueLabels(filter: { name: { eqIgnoreCase: $name } }, first: 50) { nodes { id name team { id key } } }
  }
`;

export const CREATE_LABEL_MUTATION = /* GraphQL */ `
  mutation NightshiftCreateLabel($name: String!, $teamId: String!) {
    issueLabelCreate(input: { name: $name, teamId: $teamId }) { success issueLabel { id } }
  }
`;

export const ADD_LABEL_MUTATION = /* GraphQL */ `
  mutation NightshiftAddLabel($id: String!, $labelId: String!) {
    issueAddLabel(id: $id, labelId: $labelId) { success }
  }
`;

/** An issue node as ISSUES_QUERY returns it. */
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
  state: { id: string; name: string; type: string };
  team: { id: string; key: string };
  labels: { nodes: Array<{ name: string }> };
  inverseRelations: { nodes: Array<{ type: string; issue: { identifier: string; state: { name: string; type: string } } }> };
  comments: { nodes: Array<{ body: string; createdAt: string; user: { name: string } | null }> };
}

export interface IssuesPage {
  issues: { nodes: IssueNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

export interface StatesResult {
  workflowStates: { nodes: Array<{ id: string; name: string; type: string; team: { id: string; key: string } }> };
}
