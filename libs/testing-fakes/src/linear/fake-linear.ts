import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildSchema, getOperationAST, graphql, parse, type GraphQLSchema } from 'graphql';
import { FaultSwitch, type Fault } from '../fault-switch';
import { LocalServer, readBody, sendJson, type LoggedRequest } from '../http-util';
import { linearSignature } from '../webhook-signatures';
import { LINEAR_SCHEMA_SDL } from './linear-schema';
import { linearResolvers } from './linear-resolvers';
import { DEFAULT_FAKE_STATES, LinearStore, type FakeIssue, type NewFakeIssue } from './linear-store';

export interface FakeLinearOptions {
  /** The API key requests must carry in `Authorization` (raw, as the SDK sends a personal key). */
  apiKey: string;
  /** Team keys; each gets DEFAULT_FAKE_STATES unless `states` says otherwise. */
  teams: string[];
  states?: Array<{ name: string; type: string }>;
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
  private readonly schema: GraphQLSchema = buildSchema(LINEAR_SCHEMA_SDL);
  private readonly root: Record<string, unknown>;
  private readonly server = new LocalServer((req, res) => this.handle(req, res));
  private origin?: string;

  constructor(private readonly opts: FakeLinearOptions) {
    for (const key of opts.teams) this.store.addTeam(key, opts.states ?? DEFAULT_FAKE_STATES);
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
  webhook(key: string, secret: string, opts: { action?: 'create' | 'update' | 'remove'; timestamp?: number; deliveryId?: string } = {}): { body: string; headers: Record<string, string> } {
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
        labels: issue.labelIds.map((id) => ({ id, name: this.store.labels.find((l) => l.id === id)!.name, color: '#888888' })),
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
    const log = (status: number, detail: string) => this.requests.push({ method: req.method ?? '', path: req.url ?? '', detail, status, at: Date.now() });
    if (req.method !== 'POST' || !req.url?.startsWith('/graphql')) {
      log(404, '');
      return sendJson(res, 404, { errors: [{ message: 'Not found' }] });
    }
    let body: { query?: string; variables?: Record<string, unknown>; operationName?: string };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      log(400, 'unparsable');
      return sendJson(res, 400, { errors: [{ message: 'Body is not JSON', extensions: { type: 'invalid input', code: 'INVALID_INPUT' } }] });
    }
    const operation = operationName(body.query ?? '', body.operationName);
    const auth = req.headers.authorization ?? '';
    if (auth !== this.opts.apiKey && auth !== `Bearer ${this.opts.apiKey}`) {
      log(401, operation);
      return sendJson(res, 401, authError());
    }
    const fault = this.faults.take(operation);
    if (fault) {
      const answer = faultAnswer(fault);
      log(answer.status, operation);
      if (typeof answer.body === 'string') {
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        return void res.end(answer.body);
      }
      return sendJson(res, answer.status, answer.body, answer.headers);
    }
    const result = await graphql({ schema: this.schema, source: body.query ?? '', variableValues: body.variables, rootValue: this.root, operationName: body.operationName });
    // Linear answers GraphQL validation errors with 400 and resolver errors (not found, bad input) with 200.
    const status = result.errors && !result.data ? 400 : 200;
    log(status, operation);
    sendJson(res, status, result, { 'x-ratelimit-requests-limit': '5000', 'x-ratelimit-requests-remaining': '4999' });
  }
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
        extensions: { type: 'authentication error', code: 'AUTHENTICATION_ERROR', userPresentableMessage: 'You need to authenticate to access this operation.' },
      },
    ],
  };
}

function faultAnswer(fault: Fault): { status: number; body: unknown; headers: Record<string, string> } {
  switch (fault.kind) {
    case 'unauthorized':
      return { status: 401, body: authError(), headers: {} };
    case 'not_found':
      return { status: 200, body: { data: null, errors: [{ message: 'Entity not found', extensions: { type: 'invalid input', code: 'INPUT_ERROR' } }] }, headers: {} };
    case 'unprocessable':
      return { status: 400, body: { errors: [{ message: 'Argument Validation Error', extensions: { type: 'invalid input', code: 'INVALID_INPUT' } }] }, headers: {} };
    case 'server_error': {
      const status = fault.status ?? 502;
      return status === 500
        ? { status, body: { errors: [{ message: 'Internal server error', extensions: { type: 'internal error', code: 'INTERNAL_SERVER_ERROR' } }] }, headers: {} }
        : { status, body: `${status} Bad Gateway`, headers: {} };
    }
    case 'rate_limited':
    case 'secondary_rate_limited': {
      const reset = Date.now() + (fault.resetInSec ?? 2) * 1000;
      return {
        status: 400,
        body: { errors: [{ message: 'Rate limit exceeded', extensions: { type: 'ratelimited', code: 'RATELIMITED', userPresentableMessage: 'Rate limit exceeded.' } }] },
        headers: { 'x-ratelimit-requests-limit': '5000', 'x-ratelimit-requests-remaining': '0', 'x-ratelimit-requests-reset': String(reset) },
      };
    }
  }
}
