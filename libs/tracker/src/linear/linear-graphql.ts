import type { LinearClient } from '@linear/sdk';

import { TrackerRateLimitedError } from '../errors';
import type { TrackerBudget } from '../tracker';
import { type Connection, linearCost, type LinearDocument, MUTATION_COST, pageSizeFor } from './linear-documents';
import { toTrackerError } from './linear-errors';

const HOUR_MS = 3_600_000;
const BUDGET_HEADERS: Array<TrackerBudget['kind']> = ['requests', 'complexity'];

export interface LinearGraphqlOptions {
  apiKey: string;
  tokenEnv: string;
  apiUrl?: string;
  /** Back-off after a rate-limit answer that names no reset time. */
  backoffMs: number;
  /** Upper bound for every page (config `tracker.pageSize`); the complexity may ask for less. */
  maxPage: number;
}

/**
 * Linear's GraphQL endpoint through the SDK's client: one request per call, the rate-limit headers
 * of every answer kept as the budget left, and no request sent that the budget cannot pay for —
 * those fail fast with TrackerRateLimitedError until enough has refilled.
 */
export class LinearGraphql {
  private readonly client: LinearClient;
  private readonly budgets = new Map<TrackerBudget['kind'], TrackerBudget>();
  private backoffUntil = 0;
  /** Requests answered and points charged since start (Linear's `x-complexity`, else the estimate). */
  readonly spent = { requests: 0, points: 0 };

  constructor(private readonly opts: LinearGraphqlOptions) {
    // @linear/sdk loads on first use, so commands and services on other trackers skip its start-up.
    const { LinearClient: Client } = require('@linear/sdk') as typeof import('@linear/sdk');
    this.client = new Client({ apiKey: opts.apiKey, apiUrl: opts.apiUrl });
  }

  /** What Linear said is left, as of the last answer (empty before the first). */
  budget(): TrackerBudget[] {
    return [...this.budgets.values()];
  }

  /**
   * Every node of a paged document, one request per page sized by its complexity. Linear charges
   * for the `first` asked, not the nodes returned: when the caller knows how many nodes to expect
   * (`expected`), the page asks for no more.
   */
  async pages<N>(
    doc: LinearDocument,
    variables: Record<string, unknown>,
    pick: (data: never) => Connection<N>,
    expected?: number,
  ): Promise<N[]> {
    const first = Math.min(pageSizeFor(doc, this.opts.maxPage), Math.max(1, expected ?? Number.POSITIVE_INFINITY));
    const out: N[] = [];
    let after: string | null = null;
    do {
      const data = await this.request<never>(
        doc.operation,
        doc.query,
        { ...variables, first, after },
        linearCost(first, doc),
      );
      const page: Connection<N> = pick(data);
      out.push(...page.nodes);
      after = page.pageInfo?.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    return out;
  }

  /** One request; `cost` is what Linear charges for it (a mutation by default), so a request the budget cannot pay for is not sent. */
  async request<T>(
    operation: string,
    query: string,
    variables: Record<string, unknown>,
    cost = MUTATION_COST,
  ): Promise<T> {
    const now = Date.now();
    const waitUntil = Math.max(this.backoffUntil, this.affordableAt(cost, now));
    if (now < waitUntil) throw new TrackerRateLimitedError('Linear', waitUntil);
    try {
      const res = await this.client.client.rawRequest<T, Record<string, unknown>>(query, variables);
      this.readBudget(res.headers);
      this.count(res.headers, cost);
      return res.data as T;
    } catch (err) {
      const headers = (err as { raw?: { response?: { headers?: Headers } } })?.raw?.response?.headers;
      this.readBudget(headers);
      this.count(headers, 0);
      const mapped = toTrackerError(err, operation, this.opts.tokenEnv, Date.now(), this.opts.backoffMs);
      if (mapped instanceof TrackerRateLimitedError) this.backoffUntil = mapped.retryAt;
      throw mapped;
    }
  }

  /** When the budgets (refilling at limit/hour, Linear's leaky bucket) hold one more request of `cost` points. */
  private affordableAt(cost: number, now: number): number {
    let at = 0;
    for (const b of this.budgets.values()) {
      const need = b.kind === 'requests' ? 1 : cost;
      const left = Math.min(b.limit, b.remaining + ((now - b.at) * b.limit) / HOUR_MS);
      if (left < need) at = Math.max(at, now + Math.ceil(((need - left) * HOUR_MS) / b.limit));
    }
    return at;
  }

  private count(headers: Headers | undefined, estimate: number): void {
    this.spent.requests += 1;
    const charged = Number(headers && typeof headers.get === 'function' ? headers.get('x-complexity') : NaN);
    this.spent.points += Number.isFinite(charged) && charged >= 0 ? charged : estimate;
  }

  private readBudget(headers: Headers | undefined): void {
    if (!headers || typeof headers.get !== 'function') return;
    const at = Date.now();
    for (const kind of BUDGET_HEADERS) {
      const limit = Number(headers.get(`x-ratelimit-${kind}-limit`));
      const remaining = Number(headers.get(`x-ratelimit-${kind}-remaining`));
      const reset = Number(headers.get(`x-ratelimit-${kind}-reset`));
      if (!(limit > 0) || !Number.isFinite(remaining)) continue;
      this.budgets.set(kind, {
        kind,
        limit,
        remaining,
        resetAt: Number.isFinite(reset) && reset > 0 ? (reset < 1e12 ? reset * 1000 : reset) : at,
        at,
      });
    }
  }
}
