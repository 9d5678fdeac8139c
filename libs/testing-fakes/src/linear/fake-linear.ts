import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { buildSchema, getOperationAST, graphql, type GraphQLSchema, parse } from 'graphql';

import { type Fault, FaultSwitch } from '../fault-switch';
import { LocalServer, type LoggedRequest, readBody, sendJson } from '../http-util';
import { linearSignature } from '../webhook-signatures';
import {
  KeyBudget,
  LINEAR_LIMITS,
  LINEAR_LIMITS_BY_AUTH,
  type LinearAuthKind,
  type LinearLimits,
} from './linear-budget';
import { exactLinearScore } from './linear-complexity';
import { linearResolvers } from './linear-resolvers';
import { LINEAR_SCHEMA_SDL } from './linear-schema';
import { DEFAULT_FAKE_STATES, type FakeIssue, LinearStore, type NewFakeIssue } from './linear-store';

export interface FakeLinearOptions {
  /** The API key requests must carry in `Authorization` (raw, as the SDK sends a personal key). */
  apiKey: string;
  /** Team keys; each gets DEFAULT_FAKE_STATES unless `states` says otherwise. */
  teams: string[];
  states?: Array<{ name: string; type: string }>;
  /** Which of Linear's published limits apply: a personal API key (default) or an OAuth app's token. */
  authKind?: LinearAuthKind;
  /** Per-query and hourly limits; Linear's own for `authKind` by default. Lower them to reach a limit in a test. */
  limits?: Partial<LinearLimits>;
}

/** One answered request's complexity, as Linear scored it (0 when refused before scoring). */
export interface ScoredRequest {
  operation: string;
  complexity: number;
  status: number;
}

/** An issue as a test reads it back. */
export interface FakeIssueView {
  id: string;
  key: string;
  title: string;
  state: string;
  labels: string[];
  comments: string[];
  priority: number;
}

/**
 * A local Linear GraphQL API: the real `@linear/sdk` talks to it through `apiUrl`. Queries are
 * executed against a faithful subset of Linear's schema, so field typos fail here as they would
 * there. Every request is logged (to count requests per poll) and faults can be armed.
 */
export class FakeLinear {
  readonly store = new LinearStore();
  readonly requests: LoggedRequest[] = [];
  readonly faults = new FaultSwitch();
  /** Complexity of every authenticated request, in order (to sum the points of a poll). */
  readonly scored: ScoredRequest[] = [];
  readonly limits: LinearLimits;
  /** The key's budgets; tests may `drain()` one to reach the limit at once. */
  readonly budget: KeyBudget;
  private readonly schema: GraphQLSchema = buildSchema(LINEAR_SCHEMA_SDL);
  private readonly root: Record<string, unknown>;
  private readonly server = new LocalServer((req, res) => this.handle(req, res));
  private origin?: string;

  constructor(private readonly opts: FakeLinearOptions) {
    for (const key of opts.teams) this.store.addTeam(key, opts.states ?? DEFAULT_FAKE_STATES);
    this.limits = { ...LINEAR_LIMITS_BY_AUTH[opts.authKind ?? 'apiKey'], ...opts.limits };
    this.budget = new KeyBudget(this.limits);
    this.root = linearResolvers(this.store);
  }

  /** Starts the server; resolves to the GraphQL endpoint URL to give the SDK as `apiUrl`. */
  async start(): Promise<string> {
    this.origin = await this.server.listen();
    return this.apiUrl;
  }

  get apiUrl(): string {
    if (!this.origin) throw new Error('FakeLinear is not started');
    return `${this.origin}/graphql`;
  }

  stop(): Promise<void> {
    return this.server.close();
  }

  createIssue(input: NewFakeIssue): FakeIssueView {
    return this.view(this.store.createIssue(input));
  }

  /** `blocker` blocks `blocked`. */
  addBlocks(blocker: string, blocked: string): void {
    this.store.addBlocks(blocker, blocked);
  }

  /** A human moves an issue on the board. */
  moveIssue(key: string, stateName: string): void {
    const issue = this.store.issue(key);
    const state = this.store.stateByName(issue.teamId, stateName);
    if (!state) throw new Error(`fake Linear: no state ${stateName}`);
    issue.stateId = state.id;
    this.store.touch(issue);
  }

  issue(key: string): FakeIssueView {
    return this.view(this.store.issue(key));
  }

  issues(): FakeIssueView[] {
    return this.store.issues.map((i) => this.view(i));
  }

  /** Answers matching requests with an error until it is used up, expires or `faults.clear()`. */
  failWith(fault: Fault): void {
    this.faults.arm(fault);
  }

  /** The body and headers Linear would POST to a webhook for this issue (`Issue` event), signed with `secret`. */
  webhook(
    key: string,
    secret: string,
    opts: { action?: 'create' | 'update' | 'remove'; timestamp?: number; deliveryId?: string } = {},
  ): { body: string; headers: Record<string, string> } {
    const issue = this.store.issue(key);
    const state = this.store.states.find((s) => s.id === issue.stateId)!;
    const team = this.store.teams.find((t) => t.id === issue.teamId)!;
    const payload = {
      action: opts.action ?? 'update',
      type: 'Issue',
      createdAt: new Date().toISOString(),
      organizationId: 'fake-org',
      url: `https://linear.app/fake/issue/${issue.identifier}`,
      webhookTimestamp: opts.timestamp ?? Date.now(),
      webhookId: 'fake-webhook',
      data: {
        id: issue.id,
        identifier: issue.identifier,
        number: issue.number,
        title: issue.title,
        description: issue.description,
        priority: issue.priority,
        createdAt: issue.createdAt,
        updatedAt: issue.updatedAt,
        stateId: state.id,
        state: { id: state.id, name: state.name, type: state.type, color: '#888888' },
        teamId: team.id,
        team: { id: team.id, key: team.key, name: team.name },
        labelIds: issue.labelIds,
        labels: issue.labelIds.map((id) => ({
          id,
          name: this.store.labels.find((l) => l.id === id)!.name,
          color: '#888888',
        })),
      },
    };
    const body = JSON.stringify(payload);
    return {
      body,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'linear-delivery': opts.deliveryId ?? randomUUID(),
        'linear-event': 'Issue',
        'linear-signature': linearSignature(secret, body),
        'user-agent': 'Linear-Webhook',
      },
    };
  }

  private view(i: FakeIssue): FakeIssueView {
    return {
      id: i.id,
      key: i.identifier,
      title: i.title,
      state: this.store.states.find((s) => s.id === i.stateId)!.name,
      labels: i.labelIds.map((id) => this.store.labels.find((l) => l.id === id)!.name),
      comments: i.comments.map((c) => c.body),
      priority: i.priority,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const log = (status: number, detail: string) =>
      this.requests.push({ method: req.method ?? '', path: req.url ?? '', detail, status, at: Date.now() });
    if (req.method !== 'POST' || !req.url?.startsWith('/graphql')) {
      log(404, '');
      return sendJson(res, 404, { errors: [{ message: 'Not found' }] });
    }
    let body: { query?: string; variables?: Record<string, unknown>; operationName?: string };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      log(400, 'unparsable');
      return sendJson(res, 400, {
        errors: [{ message: 'Body is not JSON', extensions: { type: 'invalid input', code: 'INVALID_INPUT' } }],
      });
    }
    const operation = operationName(body.query ?? '', body.operationName);
    const auth = req.headers.authorization ?? '';
    if (auth !== this.opts.apiKey && auth !== `Bearer ${this.opts.apiKey}`) {
      log(401, operation);
      return sendJson(res, 401, authError());
    }
    const answer = (status: number, result: unknown, complexity: number, extra: Record<string, string> = {}) => {
      log(status, operation);
      this.scored.push({ operation, complexity, status });
      sendJson(res, status, result, { ...this.budget.headers(), ...extra });
    };
    // Every authenticated request spends one of the hourly requests, refused or not.
    if (!this.budget.requests.take(1)) return answer(400, rateLimited('requests'), 0);
    const fault = this.faults.take(operation);
    if (fault) {
      const faulted = faultAnswer(fault);
      log(faulted.status, operation);
      if (typeof faulted.body === 'string') {
        res.writeHead(faulted.status, { 'content-type': 'text/plain', ...faulted.headers });
        return void res.end(faulted.body);
      }
      return sendJson(res, faulted.status, faulted.body, faulted.headers);
    }
    let exact = 0;
    try {
      exact = exactLinearScore(body.query ?? '', body.variables ?? {}, body.operationName);
    } catch {
      // Unparsable: graphql() below answers with the syntax error, as Linear does.
    }
    // Linear charges the score rounded up (a mutation of 1.1 points costs 2); its refusal quotes the exact one.
    const complexity = Math.ceil(exact);
    if (complexity > this.limits.maxComplexity)
      return answer(400, tooComplex(exact, this.limits.maxComplexity), complexity);
    if (!this.budget.complexity.take(complexity)) return answer(400, rateLimited('complexity'), complexity);
    const result = await graphql({
      schema: this.schema,
      source: body.query ?? '',
      variableValues: body.variables,
      rootValue: this.root,
      operationName: body.operationName,
    });
    // Linear answers GraphQL validation errors with 400 and resolver errors (not found, bad input) with 200.
    answer(result.errors && !result.data ? 400 : 200, result, complexity, {
      'x-complexity': String(complexity),
    });
  }
}

/** Linear's answer to a query over the per-query maximum (HTTP 400, an INPUT_ERROR quoting the unrounded score). */
function tooComplex(complexity: number, max: number): unknown {
  return {
    errors: [
      {
        message: 'Query too complex',
        extensions: {
          type: 'invalid input',
          code: 'INPUT_ERROR',
          statusCode: 400,
          userError: true,
          userPresentableMessage: `The query is too complex. Complexity: ${complexity}. Maximum allowed complexity: ${max}.`,
          http: { status: 400 },
        },
      },
    ],
  };
}

/** Linear's answer once a budget is spent: HTTP 400 carrying RATELIMITED (and 429 inside the extensions). */
function rateLimited(budget: 'requests' | 'complexity'): unknown {
  const what = budget === 'requests' ? 'Rate limit exceeded' : 'Complexity rate limit exceeded';
  return {
    errors: [
      {
        message: what,
        extensions: {
          type: 'ratelimited',
          code: 'RATELIMITED',
          statusCode: 429,
          userError: true,
          userPresentableMessage: `${what}. Please wait before making more requests.`,
          http: { status: 429 },
        },
      },
    ],
  };
}

function operationName(query: string, given?: string): string {
  try {
    return getOperationAST(parse(query), given)?.name?.value ?? 'anonymous';
  } catch {
    return 'unparsable';
  }
}

function authError(): unknown {
  return {
    errors: [
      {
        message: 'Authentication required, not authenticated',
        extensions: {
          type: 'authentication error',
          code: 'AUTHENTICATION_ERROR',
          userPresentableMessage: 'You need to authenticate to access this operation.',
        },
      },
    ],
  };
}

function faultAnswer(fault: Fault): { status: number; body: unknown; headers: Record<string, string> } {
  switch (fault.kind) {
    case 'unauthorized':
      return { status: 401, body: authError(), headers: {} };
    case 'not_found':
      return {
        status: 200,
        body: {
          data: null,
          errors: [{ message: 'Entity not found', extensions: { type: 'invalid input', code: 'INPUT_ERROR' } }],
        },
        headers: {},
      };
    case 'unprocessable':
      return {
        status: 400,
        body: {
          errors: [
            { message: 'Argument Validation Error', extensions: { type: 'invalid input', code: 'INVALID_INPUT' } },
          ],
        },
        headers: {},
      };
    case 'server_error': {
      const status = fault.status ?? 502;
      return status === 500
        ? {
            status,
            body: {
              errors: [
                {
                  message: 'Internal server error',
                  extensions: { type: 'internal error', code: 'INTERNAL_SERVER_ERROR' },
                },
              ],
            },
            headers: {},
          }
        : { status, body: `${status} Bad Gateway`, headers: {} };
    }
    case 'rate_limited':
    case 'secondary_rate_limited': {
      const reset = Date.now() + (fault.resetInSec ?? 2) * 1000;
      return {
        status: 400,
        body: rateLimited('requests'),
        headers: {
          'x-ratelimit-requests-limit': String(LINEAR_LIMITS.requestsPerHour),
          'x-ratelimit-requests-remaining': '0',
          'x-ratelimit-requests-reset': String(reset),
        },
      };
    }
  }
}
