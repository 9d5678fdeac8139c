/**
 * The subset of Linear's GraphQL schema that Nightshift uses, with Linear's own type, field and
 * argument names, so a query the fake accepts is one Linear accepts (a typo fails here first).
 */
export const LINEAR_SCHEMA_SDL = /* GraphQL */ `
  scalar DateTime

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type Team {
    id: ID!
    key: String!
    name: String!
  }
  type TeamConnection {
    nodes: [Team!]!
    pageInfo: PageInfo!
  }

  type WorkflowState {
    id: ID!
    name: String!
    type: String!
    position: Float!
    team: Team!
  }
  type WorkflowStateConnection {
    nodes: [WorkflowState!]!
    pageInfo: PageInfo!
  }

  type IssueLabel {
    id: ID!
    name: String!
    team: Team
  }
  type IssueLabelConnection {
    nodes: [IssueLabel!]!
    pageInfo: PageInfo!
  }

  type User {
    id: ID!
    name: String!
    displayName: String!
  }

  type Comment {
    id: ID!
    body: String!
    createdAt: DateTime!
    updatedAt: DateTime!
    user: User
  }
  type CommentConnection {
    nodes: [Comment!]!
    pageInfo: PageInfo!
  }

  type IssueRelation {
    id: ID!
    type: String!
    issue: Issue!
    relatedIssue: Issue!
  }
  type IssueRelationConnection {
    nodes: [IssueRelation!]!
    pageInfo: PageInfo!
  }

  type Issue {
    id: ID!
    identifier: String!
    number: Float!
    title: String!
    description: String
    priority: Float!
    createdAt: DateTime!
    updatedAt: DateTime!
    url: String!
    state: WorkflowState!
    team: Team!
    labels(first: Int, after: String): IssueLabelConnection!
    comments(first: Int, after: String): CommentConnection!
    relations(first: Int, after: String): IssueRelationConnection!
    inverseRelations(first: Int, after: String): IssueRelationConnection!
  }
  type IssueConnection {
    nodes: [Issue!]!
    pageInfo: PageInfo!
  }

  input StringComparator {
    eq: String
    neq: String
    in: [String!]
    nin: [String!]
    eqIgnoreCase: String
  }
  input NumberComparator {
    eq: Float
    in: [Float!]
  }
  input IDComparator {
    eq: ID
    in: [ID!]
  }
  input TeamFilter {
    id: IDComparator
    key: StringComparator
  }
  input NullableTeamFilter {
    id: IDComparator
    key: StringComparator
    null: Boolean
  }
  input WorkflowStateFilter {
    id: IDComparator
    name: StringComparator
    type: StringComparator
    team: TeamFilter
  }
  input IssueFilter {
    id: IDComparator
    number: NumberComparator
    team: TeamFilter
    state: WorkflowStateFilter
    and: [IssueFilter!]
    or: [IssueFilter!]
  }
  input IssueLabelFilter {
    name: StringComparator
    team: NullableTeamFilter
  }
  enum PaginationOrderBy {
    createdAt
    updatedAt
  }

  type Query {
    issues(
      filter: IssueFilter
      first: Int
      after: String
      orderBy: PaginationOrderBy
      includeArchived: Boolean
    ): IssueConnection!
    issue(id: String!): Issue!
    workflowStates(filter: WorkflowStateFilter, first: Int, after: String): WorkflowStateConnection!
    issueLabels(filter: IssueLabelFilter, first: Int, after: String): IssueLabelConnection!
    teams(filter: TeamFilter, first: Int, after: String): TeamConnection!
  }

  input IssueUpdateInput {
    title: String
    description: String
    priority: Int
    stateId: String
    labelIds: [String!]
  }
  input CommentCreateInput {
    issueId: String
    body: String
  }
  input IssueLabelCreateInput {
    name: String!
    teamId: String
    color: String
  }
  type IssuePayload {
    success: Boolean!
    lastSyncId: Float!
    issue: Issue
  }
  type CommentPayload {
    success: Boolean!
    lastSyncId: Float!
    comment: Comment!
  }
  type IssueLabelPayload {
    success: Boolean!
    lastSyncId: Float!
    issueLabel: IssueLabel!
  }

  type Mutation {
    issueUpdate(id: String!, input: IssueUpdateInput!): IssuePayload!
    commentCreate(input: CommentCreateInput!): CommentPayload!
    issueAddLabel(id: String!, labelId: String!): IssuePayload!
    issueLabelCreate(input: IssueLabelCreateInput!): IssueLabelPayload!
  }
`;
