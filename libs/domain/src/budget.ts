/** Spending caps in USD (`budgets` in config); an unset cap does not apply. */
export interface Budgets {
  perTicketUsd?: number;
  perRepoDailyUsd?: number;
  perAccountDailyUsd?: number;
}

/** What a run cost and whom it is charged to (a subset of the stored run record). */
export interface RunSpend {
  tickets: string[];
  repo: string;
  account?: string;
  startedAt: string;
  costUsd?: number;
}

/** A cap the spend has reached. */
export interface BudgetHit {
  scope: { kind: 'ticket'; ticket: string } | { kind: 'repo'; repo: string } | { kind: 'account'; account: string };
  spentUsd: number;
  capUsd: number;
  /** When the cap resets (the next UTC midnight for daily caps); null for a ticket's cap (a human lifts it). */
  until: Date | null;
  reason: string;
}

/**
 * The caps a finished run's ticket(s), repo and account have reached, from the exact costs of the
 * stored runs. A ticket's cap counts all its runs; daily caps count runs started since UTC midnight.
 * A run's cost counts in full against each ticket of its batch (never less than the truth per ticket).
 */
export function budgetsReached(
  budgets: Budgets,
  runs: readonly RunSpend[],
  charged: { tickets: string[]; repo: string; account?: string },
  now = new Date(),
): BudgetHit[] {
  const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const nextMidnight = new Date(dayStart + 86_400_000);
  const today = runs.filter((r) => Date.parse(r.startedAt) >= dayStart);
  const sum = (list: readonly RunSpend[]) => list.reduce((total, r) => total + (r.costUsd ?? 0), 0);
  const hits: BudgetHit[] = [];
  const check = (
    cap: number | undefined,
    spent: number,
    scope: BudgetHit['scope'],
    until: Date | null,
    what: string,
  ) => {
    if (cap !== undefined && spent >= cap)
      hits.push({
        scope,
        spentUsd: spent,
        capUsd: cap,
        until,
        reason: `budget: ${what} spent $${spent.toFixed(2)} of its $${cap.toFixed(2)} cap`,
      });
  };
  for (const ticket of charged.tickets) {
    check(
      budgets.perTicketUsd,
      sum(runs.filter((r) => r.tickets.includes(ticket))),
      { kind: 'ticket', ticket },
      null,
      `ticket ${ticket}`,
    );
  }
  check(
    budgets.perRepoDailyUsd,
    sum(today.filter((r) => r.repo === charged.repo)),
    { kind: 'repo', repo: charged.repo },
    nextMidnight,
    `repo ${charged.repo} today (UTC)`,
  );
  if (charged.account) {
    const account = charged.account;
    check(
      budgets.perAccountDailyUsd,
      sum(today.filter((r) => r.account === account)),
      { kind: 'account', account },
      nextMidnight,
      `account ${account} today (UTC)`,
    );
  }
  return hits;
}
